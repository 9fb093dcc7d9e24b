namespace GitOpsFleet.Hub.Grains;

/// <summary>One wave of a rollout: which clusters, how many at a time, how long they bake, whether a person approves.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutWaveSpec(
    string Name,
    IReadOnlyDictionary<string, string> Selector,
    string MaxParallel,
    int BakeSeconds,
    bool RequireApproval);

/// <summary>How a new revision of an application moves across its clusters.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutStrategyModel(
    IReadOnlyList<RolloutWaveSpec> Waves,
    string FailurePolicy,
    int MaxFailures,
    int ProgressDeadlineSeconds,
    string Disconnected)
{
    public const string PolicyPause = "pause";
    public const string PolicyRollback = "rollback";
    public const string DisconnectedWait = "wait";
    public const string DisconnectedSkip = "skip";

    /// <summary>Used when the strategy names no deadline.</summary>
    public static readonly TimeSpan DefaultProgressDeadline = TimeSpan.FromMinutes(10);

    public TimeSpan ProgressDeadline => ProgressDeadlineSeconds > 0 ? TimeSpan.FromSeconds(ProgressDeadlineSeconds) : DefaultProgressDeadline;

    public bool RollsBack => FailurePolicy == PolicyRollback;

    public bool SkipsDisconnected => Disconnected == DisconnectedSkip;

    /// <summary>How many clusters of a wave of <paramref name="size"/> may move at once: "3", "25%", or empty for all.</summary>
    public static int Parallelism(string maxParallel, int size)
    {
        if (string.IsNullOrWhiteSpace(maxParallel))
        {
            return Math.Max(size, 1);
        }
        var text = maxParallel.Trim();
        if (text.EndsWith('%') && int.TryParse(text[..^1], out var percent) && percent > 0)
        {
            return Math.Max(1, (int)Math.Ceiling(size * Math.Min(percent, 100) / 100.0));
        }
        return int.TryParse(text, out var count) && count > 0 ? count : Math.Max(size, 1);
    }

    /// <summary>A maxParallel value is a positive count or a percentage from 1 to 100.</summary>
    public static bool IsValidParallelism(string maxParallel)
    {
        var text = maxParallel.Trim();
        if (text.Length == 0)
        {
            return true;
        }
        return text.EndsWith('%')
            ? int.TryParse(text[..^1], out var percent) && percent is > 0 and <= 100
            : int.TryParse(text, out var count) && count > 0;
    }
}
