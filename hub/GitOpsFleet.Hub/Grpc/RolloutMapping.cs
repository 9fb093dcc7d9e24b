using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Rollout strategies and rollout records between the gRPC API and the grains.</summary>
internal static class RolloutMapping
{
    private static readonly HashSet<string> Policies = [RolloutStrategyModel.PolicyPause, RolloutStrategyModel.PolicyRollback];
    private static readonly HashSet<string> DisconnectedModes = [RolloutStrategyModel.DisconnectedWait, RolloutStrategyModel.DisconnectedSkip];

    /// <summary>Validates a strategy from the API; null when it has no waves (every target moves at once).</summary>
    public static RolloutStrategyModel? ToModel(this RolloutStrategy? strategy)
    {
        if (strategy is null || strategy.Waves.Count == 0)
        {
            return null;
        }
        const string field = "application.spec.rollout";
        var policy = string.IsNullOrEmpty(strategy.FailurePolicy) ? RolloutStrategyModel.PolicyPause : strategy.FailurePolicy;
        if (!Policies.Contains(policy))
        {
            throw HubException.Invalid($"{field}.failurePolicy", $"'{policy}' is not one of pause, rollback");
        }
        var disconnected = string.IsNullOrEmpty(strategy.Disconnected) ? RolloutStrategyModel.DisconnectedWait : strategy.Disconnected;
        if (!DisconnectedModes.Contains(disconnected))
        {
            throw HubException.Invalid($"{field}.disconnected", $"'{disconnected}' is not one of wait, skip");
        }
        if (strategy.MaxFailures < 0 || strategy.ProgressDeadlineSeconds < 0)
        {
            throw HubException.Invalid(field, "maxFailures and progressDeadline must not be negative");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var waves = new List<RolloutWaveSpec>();
        for (var i = 0; i < strategy.Waves.Count; i++)
        {
            var wave = strategy.Waves[i];
            var name = string.IsNullOrEmpty(wave.Name) ? $"wave-{i + 1}" : wave.Name;
            if (!names.Add(name))
            {
                throw HubException.Invalid($"{field}.waves[{i}].name", $"'{name}' names two waves");
            }
            if (!RolloutStrategyModel.IsValidParallelism(wave.MaxParallel))
            {
                throw HubException.Invalid($"{field}.waves[{i}].maxParallel", $"'{wave.MaxParallel}' is not a positive count or a percentage from 1% to 100%");
            }
            if (wave.BakeSeconds < 0)
            {
                throw HubException.Invalid($"{field}.waves[{i}].bakeTime", $"{wave.BakeSeconds}s is negative");
            }
            waves.Add(new RolloutWaveSpec(name, new Dictionary<string, string>(wave.Selector), wave.MaxParallel.Trim(), wave.BakeSeconds, wave.RequireApproval));
        }
        return new RolloutStrategyModel(waves, policy, strategy.MaxFailures, strategy.ProgressDeadlineSeconds, disconnected);
    }

    public static RolloutStrategy? ToProto(this RolloutStrategyModel? model)
    {
        if (model is null)
        {
            return null;
        }
        var proto = new RolloutStrategy
        {
            FailurePolicy = model.FailurePolicy,
            MaxFailures = model.MaxFailures,
            ProgressDeadlineSeconds = model.ProgressDeadlineSeconds,
            Disconnected = model.Disconnected,
        };
        foreach (var wave in model.Waves)
        {
            var w = new RolloutWave { Name = wave.Name, MaxParallel = wave.MaxParallel, BakeSeconds = wave.BakeSeconds, RequireApproval = wave.RequireApproval };
            w.Selector.Add(wave.Selector.ToDictionary());
            proto.Waves.Add(w);
        }
        return proto;
    }

    public static Rollout ToProto(this RolloutRecord? record, string application, IReadOnlyDictionary<string, TargetInfo>? targets = null)
    {
        if (record is null)
        {
            return new Rollout { Application = application };
        }
        var proto = new Rollout
        {
            Application = application,
            Id = record.Id,
            FromRevision = record.FromRevision,
            ToRevision = record.ToRevision,
            Phase = record.Phase,
            CurrentWave = record.CurrentWave,
            Reason = record.Reason,
            Actor = record.Actor,
            StartedUnixMs = record.StartedUnixMs,
            PhaseSinceUnixMs = record.PhaseSinceUnixMs,
            FinishedUnixMs = record.FinishedUnixMs,
        };
        proto.Waves.AddRange(record.Waves.Select(w => w.ToProto(targets)));
        proto.Events.AddRange(record.Events.Select(e => new RolloutEvent { UnixMs = e.UnixMs, Type = e.Type, Actor = e.Actor, Reason = e.Reason }));
        return proto;
    }

    public static RolloutWaveStatus ToProto(this RolloutWaveRecord wave, IReadOnlyDictionary<string, TargetInfo>? targets)
    {
        var proto = new RolloutWaveStatus
        {
            Name = wave.Name,
            Phase = wave.Phase,
            PhaseSinceUnixMs = wave.PhaseSinceUnixMs,
            BakeSeconds = wave.BakeSeconds,
            RequireApproval = wave.RequireApproval,
        };
        foreach (var cluster in wave.Clusters)
        {
            var target = targets?.GetValueOrDefault(cluster.Cluster);
            proto.Clusters.Add(new RolloutCluster
            {
                Cluster = cluster.Cluster,
                Phase = cluster.Phase,
                Revision = target?.DesiredRevision ?? "",
                Health = (HealthStatus)(int)(target?.Health ?? HealthState.Unknown),
                Message = cluster.Message,
                PhaseSinceUnixMs = cluster.PhaseSinceUnixMs,
            });
        }
        return proto;
    }
}
