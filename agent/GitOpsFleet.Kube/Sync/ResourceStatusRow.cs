using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Live status of one managed object: health, drift, and the objects it owns.</summary>
public sealed record ResourceStatusRow(ResourceKey Key, HealthResult Health, bool OutOfSync, IReadOnlyList<ResourceKey> Children);
