namespace GitOpsFleet.KubeSim.Model;

/// <summary>The built-in kinds every simulated cluster serves; shared by all clusters to stay cheap.</summary>
internal static class BuiltInResources
{
    public static readonly IReadOnlyList<ResourceType> All =
    [
        new("", "v1", "Namespace", "namespaces", false, true, ["ns"]),
        new("", "v1", "ConfigMap", "configmaps", true, false, ["cm"]),
        new("", "v1", "Secret", "secrets", true, false, []),
        new("", "v1", "Service", "services", true, true, ["svc"]),
        new("", "v1", "ServiceAccount", "serviceaccounts", true, false, ["sa"]),
        new("", "v1", "Pod", "pods", true, true, ["po"]),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true, ["pvc"]),
        new("", "v1", "Event", "events", true, false, ["ev"]),
        new("apps", "v1", "Deployment", "deployments", true, true, ["deploy"], HasScale: true),
        new("apps", "v1", "StatefulSet", "statefulsets", true, true, ["sts"], HasScale: true),
        new("apps", "v1", "DaemonSet", "daemonsets", true, true, ["ds"]),
        new("apps", "v1", "ReplicaSet", "replicasets", true, true, ["rs"], HasScale: true),
        new("batch", "v1", "Job", "jobs", true, true, []),
        new("batch", "v1", "CronJob", "cronjobs", true, true, ["cj"]),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true, true, ["ing"]),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false, ["netpol"]),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, []),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, []),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, ["crd", "crds"]),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, ["hpa"]),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, ["pdb"]),
        new("coordination.k8s.io", "v1", "Lease", "leases", true, false, []),
    ];
}
