using GitOpsFleet.Kube;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Protos.Agent;
using KubeSyncOptions = GitOpsFleet.Kube.Sync.SyncOptions;
using ProtoSyncOptions = GitOpsFleet.Protos.Agent.SyncOptions;
using ProtoResourceDiff = GitOpsFleet.Protos.Agent.ResourceDiff;

namespace GitOpsFleet.Agent.Hub;

/// <summary>Translates between the wire protocol and GitOpsFleet.Kube's records; the only place that knows both.</summary>
internal static class ProtoMapping
{
    public static KubeSyncOptions ToKube(ProtoSyncOptions? options, string defaultNamespace) => new()
    {
        Prune = options?.Prune ?? false,
        // Self-heal means the desired state wins: take back fields another manager (kubectl edit) took over.
        ForceConflicts = (options?.ForceConflicts ?? false) || (options is { SelfHeal: true } && options.Drift != "detect"),
        AllowEmpty = options?.AllowEmpty ?? false,
        DefaultNamespace = string.IsNullOrEmpty(defaultNamespace) ? "default" : defaultNamespace,
        IgnoreFields = options?.IgnoreFields.ToList() ?? [],
        HealthRules = options?.HealthRules.Select(ToKube).ToList() ?? [],
    };

    public static Kube.Health.HealthRule ToKube(Protos.Agent.HealthRule rule) => new(
        rule.Group,
        rule.Kind,
        rule.Checks.Select(c => new Kube.Health.HealthCheck(c.ConditionType, c.ConditionStatus, c.JsonPath, c.Equals_, ToKube(c.Health), c.Message)).ToList());

    public static HealthState ToKube(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => HealthState.Healthy,
        HealthStatus.Progressing => HealthState.Progressing,
        HealthStatus.Degraded => HealthState.Degraded,
        HealthStatus.Suspended => HealthState.Suspended,
        HealthStatus.Missing => HealthState.Missing,
        _ => HealthState.Unknown,
    };

    public static Protos.Agent.ResourceKey ToProto(Kube.ResourceKey key) => new()
    {
        Group = key.Group,
        Version = key.Version,
        Kind = key.Kind,
        Namespace = key.Namespace,
        Name = key.Name,
    };

    public static HealthStatus ToProto(HealthState state) => state switch
    {
        HealthState.Healthy => HealthStatus.Healthy,
        HealthState.Progressing => HealthStatus.Progressing,
        HealthState.Degraded => HealthStatus.Degraded,
        HealthState.Suspended => HealthStatus.Suspended,
        HealthState.Missing => HealthStatus.Missing,
        _ => HealthStatus.Unknown,
    };

    public static ProtoResourceDiff ToProto(Kube.Sync.ResourceDiff diff) => new()
    {
        Key = ToProto(diff.Key),
        Action = diff.Action,
        Diff = diff.Diff,
    };
}
