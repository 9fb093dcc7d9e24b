namespace GitOpsFleet.Kube.Sync;

/// <summary>One application's desired objects (each a JSON document) and how to apply them.</summary>
public sealed record SyncRequest(string App, IReadOnlyList<string> Manifests, SyncOptions Options);
