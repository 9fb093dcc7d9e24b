using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Maps grain models to the fleet API messages and back.</summary>
internal static class FleetMapping
{
    public static Cluster ToProto(this ClusterInfo info)
    {
        var proto = new Cluster
        {
            Name = info.Name,
            Connected = info.Connected,
            LastSeenUnixMs = info.LastSeenUnixMs,
            AgentVersion = info.AgentVersion,
            KubernetesVersion = info.KubernetesVersion,
            RegisteredUnixMs = info.RegisteredUnixMs,
            PendingApproval = info.PendingApproval,
            CredentialRotationPending = info.CredentialRotationPending,
            CredentialRotatedUnixMs = info.CredentialRotatedUnixMs,
            CredentialRevoked = info.CredentialRevoked,
        };
        proto.Labels.Add(info.Labels.ToDictionary());
        proto.Applications.AddRange(info.Applications);
        return proto;
    }

    /// <summary>The password is write-only: it never leaves the hub.</summary>
    public static Repository ToProto(this RepositoryModel model) => new()
    {
        Name = model.Name,
        Url = model.Url,
        PollIntervalSeconds = model.PollIntervalSeconds,
        Username = model.Username,
        LastError = model.LastError,
        LastFetchUnixMs = model.LastFetchUnixMs,
    };

    public static JoinToken ToProto(this JoinTokenRecord record, string agentCommandTemplate)
    {
        var proto = new JoinToken
        {
            Id = record.Id,
            ExpiresUnixMs = record.ExpiresUnixMs,
            Reusable = record.Reusable,
            Uses = record.Uses,
            Revoked = record.Revoked,
            AgentCommand = agentCommandTemplate,
            RequireApproval = record.RequireApproval,
        };
        proto.Labels.Add(record.Labels.ToDictionary());
        return proto;
    }

    public static Event ToProto(this EventRecord record) => new()
    {
        Id = record.Id,
        UnixMs = record.UnixMs,
        Type = record.Type,
        Object = record.Object,
        Message = record.Message,
        Actor = record.Actor,
    };

    public static SyncSettings ToModel(this SyncPolicy? policy) => policy is null
        ? SyncSettings.Default
        : new SyncSettings(policy.Automated, policy.Prune, policy.SelfHeal, policy.AllowEmpty, policy.ForceConflicts,
            policy.Drift, policy.Retry?.ToModel(), policy.IgnoreFields.ToList())
        {
            HealthRules = policy.HealthRules.Select(ProtoMapping.ToModel).ToList(),
        };

    public static SyncPolicy ToPolicyProto(this SyncSettings settings)
    {
        var proto = new SyncPolicy
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
        proto.HealthRules.AddRange((settings.HealthRules ?? []).Select(ProtoMapping.ToProto));
        return proto;
    }

    public static Application ToProto(this ApplicationInfo info)
    {
        var source = new ApplicationSource
        {
            Repo = info.Spec.Repository,
            Path = info.Spec.Path,
            Revision = info.Spec.Revision,
            Renderer = info.Spec.Renderer,
        };
        source.Include.AddRange(info.Spec.Include);
        source.Exclude.AddRange(info.Spec.Exclude);
        source.AddParameters(info.Spec.Parameters);
        var destination = new ApplicationDestination { Namespace = info.Spec.Namespace };
        destination.ClusterSelector.Add(info.Spec.ClusterSelector.ToDictionary());
        var status = new ApplicationStatus
        {
            Revision = info.Revision,
            Error = info.Error,
            Sync = (SyncStatus)(int)info.Sync,
            Health = (HealthStatus)(int)info.Health,
            RenderedUnixMs = info.RenderedUnixMs,
            ResourceCount = info.ResourceCount,
        };
        status.Targets.AddRange(info.Targets.Select(ToProto));
        return new Application
        {
            Name = info.Name,
            CreatedUnixMs = info.CreatedUnixMs,
            Spec = new ApplicationSpec
            {
                Source = source,
                Destination = destination,
                SyncPolicy = info.Spec.SyncPolicy.ToPolicyProto(),
                Project = info.Spec.Project,
                Rollout = info.Spec.Rollout.ToProto(),
            },
            Status = status,
        };
    }

    private static TargetStatus ToProto(TargetInfo target)
    {
        var proto = new TargetStatus
        {
            Cluster = target.Cluster,
            Generation = target.Generation,
            DesiredRevision = target.DesiredRevision,
            ObservedGeneration = target.ObservedGeneration,
            ObservedRevision = target.ObservedRevision,
            Sync = (SyncStatus)(int)target.Sync,
            Health = (HealthStatus)(int)target.Health,
            Phase = (OperationPhase)(int)target.Phase,
            Message = target.Message,
            Connected = target.Connected,
            UpdatedUnixMs = target.UpdatedUnixMs,
        };
        proto.Resources.AddRange(target.Resources.Select(r => r.ToProto()));
        return proto;
    }
}
