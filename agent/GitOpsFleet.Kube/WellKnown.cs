namespace GitOpsFleet.Kube;

/// <summary>Label, annotation and manager names shared by every part of the engine.</summary>
public static class WellKnown
{
    public const string FieldManager = "gitopsfleet";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "gitopsfleet";
    public const string TrackingIdAnnotation = "gitopsfleet.io/tracking-id";
    public const string PruneAnnotation = "gitopsfleet.io/prune";
    public const string SyncWaveAnnotation = "gitopsfleet.io/sync-wave";
    public const string ArgoSyncWaveAnnotation = "argocd.argoproj.io/sync-wave";
    public const string HookAnnotation = "gitopsfleet.io/hook";
    public const string ArgoHookAnnotation = "argocd.argoproj.io/hook";
    public const string HookDeletePolicyAnnotation = "gitopsfleet.io/hook-delete-policy";
    public const string ArgoHookDeletePolicyAnnotation = "argocd.argoproj.io/hook-delete-policy";
    public const string InventoryPrefix = "gitopsfleet-inventory-";
    public const string DesiredPrefix = "gitopsfleet-desired-";

    /// <summary>"APP:GROUP/KIND:NAMESPACE/NAME", Argo CD's annotation tracking format.</summary>
    public static string TrackingId(string app, ResourceKey key) => $"{app}:{key.Group}/{key.Kind}:{key.Namespace}/{key.Name}";
}
