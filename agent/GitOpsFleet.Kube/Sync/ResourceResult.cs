namespace GitOpsFleet.Kube.Sync;

/// <summary>The outcome for one object in a sync; Message carries the API server's words on failure.</summary>
public sealed record ResourceResult(ResourceKey Key, ResourceAction Action, string Message = "");
