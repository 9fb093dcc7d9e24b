namespace GitOpsFleet.Kube.Ordering;

/// <summary>Where in a sync an object is applied: hooks around the main Sync phase (Argo CD's phases).</summary>
public enum SyncPhase
{
    PreSync,
    Sync,
    PostSync,
    SyncFail,
}
