using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>Reads <c>spec.rollout</c> of a declarative Application (waves, failurePolicy, maxFailures, progressDeadline, disconnected).</summary>
internal static class RolloutStrategyReader
{
    /// <summary>Null when the application has no rollout section: every cluster moves at once.</summary>
    public static RolloutStrategy? Read(StrictMap rollout)
    {
        if (!rollout.Keys.Any())
        {
            return null;
        }
        var strategy = new RolloutStrategy
        {
            FailurePolicy = rollout.String("failurePolicy") ?? string.Empty,
            MaxFailures = (int)(rollout.Number("maxFailures") ?? 0),
            ProgressDeadlineSeconds = (int)(rollout.Duration("progressDeadline")?.TotalSeconds ?? 0),
            Disconnected = rollout.String("disconnected") ?? string.Empty,
        };
        foreach (var wave in rollout.Maps("waves"))
        {
            var proto = new RolloutWave
            {
                Name = wave.String("name") ?? string.Empty,
                MaxParallel = wave.String("maxParallel") ?? string.Empty,
                BakeSeconds = (int)(wave.Duration("bakeTime")?.TotalSeconds ?? 0),
                RequireApproval = wave.Bool("requireApproval"),
            };
            proto.Selector.Add(wave.StringMap("selector"));
            wave.Done();
            strategy.Waves.Add(proto);
        }
        rollout.Done();
        return strategy;
    }
}
