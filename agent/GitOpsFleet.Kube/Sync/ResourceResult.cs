namespace GitOpsFleet.Kube.Sync;

/// <summary>The outcome for one object in a sync; Message carries the API server's words on failure.</summary>
public sealed record ResourceResult(ResourceKey Key, ResourceAction Action, string Message = "")
{
    /// <summary>The object's resourceVersion after the apply (null when it was not applied), so the host can tell its own writes in watch events.</summary>
    public string? ResourceVersion { get; init; }
}
