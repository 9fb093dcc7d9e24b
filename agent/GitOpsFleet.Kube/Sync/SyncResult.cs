namespace GitOpsFleet.Kube.Sync;

/// <summary>The outcome of a sync: per-object results and the inventory now recorded for the application.</summary>
public sealed record SyncResult(string App, IReadOnlyList<ResourceResult> Resources, IReadOnlyList<ResourceKey> Inventory, string Message)
{
    public bool Succeeded => Resources.All(r => r.Action != ResourceAction.Failed) && !HookFailed;

    /// <summary>True when a hook failed (the sync stopped and SyncFail hooks ran).</summary>
    public bool HookFailed { get; init; }

    /// <summary>
    /// Each applied object as the API server returned it (by <see cref="ResourceKey.Identity"/>), so the
    /// assessment right after the sync need not read them again. Not kept longer: status moves on.
    /// </summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject>? Applied { get; init; }
}
