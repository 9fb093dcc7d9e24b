namespace GitOpsFleet.Kube.Sync;

/// <summary>What applying or pruning did to one object.</summary>
public enum ResourceAction
{
    Created,
    Configured,
    Unchanged,
    Pruned,
    Failed,
    Skipped,
}
