namespace GitOpsFleet.Kube.Sync;

/// <summary>What a sync would change on one object: Create, Update, Delete or None, with a unified diff.</summary>
public sealed record ResourceDiff(ResourceKey Key, string Action, string Diff);
