using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Ordering;

/// <summary>Orders objects for apply: phase, then sync wave, then kind in dependency order, then name.</summary>
public static class ApplyOrder
{
    // Why this order: a namespace must exist before what lives in it, a CRD before its
    // custom resources, RBAC and service accounts before the pods that run as them, config
    // before the workloads that mount it, services before workloads so DNS is ready.
    private static readonly string[] KindOrder =
    [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList",
        "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
        "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass",
        "Ingress", "APIService",
    ];

    // CRDs ahead of the others above so that custom resources anywhere in the bundle can follow them.
    private static readonly Dictionary<string, int> Rank = BuildRank();

    private static Dictionary<string, int> BuildRank()
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        rank["Namespace"] = 0;
        rank["CustomResourceDefinition"] = 1;
        var next = 2;
        foreach (var kind in KindOrder)
        {
            rank.TryAdd(kind, next++);
        }
        return rank;
    }

    /// <summary>Rank of a kind; unknown kinds (custom resources) go last.</summary>
    public static int KindRank(string kind) => Rank.TryGetValue(kind, out var r) ? r : Rank.Count + 1;

    /// <summary>The sync wave from gitopsfleet.io/sync-wave, else argocd.argoproj.io/sync-wave, else 0.</summary>
    public static int Wave(JsonObject obj)
    {
        var value = obj.Str("metadata", "annotations", WellKnown.SyncWaveAnnotation)
            ?? obj.Str("metadata", "annotations", WellKnown.ArgoSyncWaveAnnotation);
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var wave) ? wave : 0;
    }

    /// <summary>The hook phases an object runs in; an object without a hook annotation is in Sync, not a hook.</summary>
    public static IReadOnlyList<SyncPhase> HookPhases(JsonObject obj)
    {
        var value = obj.Str("metadata", "annotations", WellKnown.HookAnnotation)
            ?? obj.Str("metadata", "annotations", WellKnown.ArgoHookAnnotation);
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }
        var phases = new List<SyncPhase>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Enum.TryParse<SyncPhase>(part, ignoreCase: false, out var phase))
            {
                phases.Add(phase);
            }
        }
        return phases;
    }

    /// <summary>Sorts objects for one phase: wave, kind rank, namespace, name (stable).</summary>
    public static IReadOnlyList<T> Sort<T>(IEnumerable<T> items, Func<T, JsonObject> objectOf)
        => items
            .Select((item, index) => (item, index, obj: objectOf(item)))
            .OrderBy(x => Wave(x.obj))
            .ThenBy(x => KindRank(x.obj.Str("kind") ?? ""))
            .ThenBy(x => x.obj.Str("metadata", "namespace") ?? "", StringComparer.Ordinal)
            .ThenBy(x => x.obj.Str("metadata", "name") ?? "", StringComparer.Ordinal)
            .ThenBy(x => x.index)
            .Select(x => x.item)
            .ToList();
}
