using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Agent;
using Google.Protobuf;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Maps grain models to and from the agent protocol.</summary>
internal static class ProtoMapping
{
    public static ResourceRef ToModel(this ResourceKey key) =>
        new(key.Group, key.Version, key.Kind, key.Namespace, key.Name);

    public static ResourceKey ToProto(this ResourceRef key) =>
        new() { Group = key.Group, Version = key.Version, Kind = key.Kind, Namespace = key.Namespace, Name = key.Name };

    public static ResourceRow ToModel(this ResourceStatus row) => new(
        (row.Key ?? new ResourceKey()).ToModel(),
        (SyncState)(int)row.Sync,
        (HealthState)(int)row.Health,
        row.Message,
        row.Result,
        row.Children.Select(ToModel).ToList());

    public static ResourceStatus ToProto(this ResourceRow row)
    {
        var proto = new ResourceStatus
        {
            Key = row.Key.ToProto(),
            Sync = (SyncStatus)(int)row.Sync,
            Health = (HealthStatus)(int)row.Health,
            Message = row.Message,
            Result = row.Result,
        };
        proto.Children.AddRange(row.Children.Select(ToProto));
        return proto;
    }

    public static AgentAppStatus ToModel(this AppStatus status) => new(
        status.App,
        status.Generation,
        status.Revision,
        (SyncState)(int)status.Sync,
        (HealthState)(int)status.Health,
        (OperationState)(int)status.Phase,
        status.Message,
        status.Resources.Select(ToModel).ToList(),
        status.Full,
        status.RemovedResources.Select(ToModel).ToList(),
        status.ObservedUnixMs);

    public static SyncOptions ToProto(this SyncSettings settings)
    {
        var proto = new SyncOptions
        {
            Automated = settings.Automated,
            Prune = settings.Prune,
            SelfHeal = settings.SelfHeal,
            AllowEmpty = settings.AllowEmpty,
            ForceConflicts = settings.ForceConflicts,
            Drift = settings.Drift,
            Retry = settings.Retry?.ToProto(),
        };
        proto.IgnoreFields.AddRange(settings.IgnoreFields);
        proto.HealthRules.AddRange((settings.HealthRules ?? []).Select(ToProto));
        return proto;
    }

    public static HealthRule ToProto(HealthRuleSettings rule)
    {
        var proto = new HealthRule { Group = rule.Group, Kind = rule.Kind };
        proto.Checks.AddRange(rule.Checks.Select(c => new HealthCheck
        {
            ConditionType = c.ConditionType,
            ConditionStatus = c.ConditionStatus,
            JsonPath = c.JsonPath,
            Equals_ = c.EqualsValue,
            Health = (HealthStatus)c.Health,
            Message = c.Message,
        }));
        return proto;
    }

    public static HealthRuleSettings ToModel(HealthRule rule) => new(rule.Group, rule.Kind,
        rule.Checks.Select(c => new HealthCheckSettings(c.ConditionType, c.ConditionStatus, c.JsonPath, c.Equals_, (int)c.Health, c.Message)).ToList());

    public static RetryPolicy ToProto(this RetrySettings retry) => new()
    {
        Limit = retry.Limit,
        BackoffSeconds = retry.BackoffSeconds,
        Factor = retry.Factor,
        MaxBackoffSeconds = retry.MaxBackoffSeconds,
    };

    public static RetrySettings ToModel(this RetryPolicy retry) =>
        new(retry.Limit, retry.BackoffSeconds, retry.Factor, retry.MaxBackoffSeconds);

    public static HubMessage ToProto(this DesiredApp desired) => new()
    {
        Desired = new Desired
        {
            App = desired.App,
            Generation = desired.Generation,
            Revision = desired.Revision,
            BundleHash = desired.BundleHash,
            CompressedBundle = ByteString.CopyFrom(desired.CompressedBundle),
            Options = desired.Options.ToProto(),
            DefaultNamespace = desired.DefaultNamespace,
        },
    };

    public static HubMessage ToProto(this RemoveApp remove) => new()
    {
        Remove = new Remove { App = remove.App, Generation = remove.Generation, Prune = remove.Prune },
    };
}
