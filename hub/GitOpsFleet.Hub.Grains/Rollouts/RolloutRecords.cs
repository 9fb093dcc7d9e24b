namespace GitOpsFleet.Hub.Grains;

/// <summary>Phases of a rollout, a wave and a cluster within it (strings so the API shows them as they are).</summary>
public static class RolloutPhases
{
    public const string Progressing = "Progressing";
    public const string Paused = "Paused";
    public const string WaitingApproval = "WaitingApproval";
    public const string Succeeded = "Succeeded";
    public const string RolledBack = "RolledBack";
    public const string Aborted = "Aborted";
    public const string Superseded = "Superseded";
    public const string Pending = "Pending";
    public const string Baking = "Baking";
    public const string Passed = "Passed";
    public const string Failed = "Failed";
    public const string Skipped = "Skipped";

    public static bool IsActive(string phase) => phase is Progressing or Paused or WaitingApproval;
}

/// <summary>Rollout event type names, also written to the hub's event log.</summary>
public static class RolloutEventTypes
{
    public const string Started = "RolloutStarted";
    public const string WaveStarted = "RolloutWaveStarted";
    public const string WavePassed = "RolloutWavePassed";
    public const string WaveFailed = "RolloutWaveFailed";
    public const string WaitingApproval = "RolloutWaitingApproval";
    public const string Paused = "RolloutPaused";
    public const string Resumed = "RolloutResumed";
    public const string Promoted = "RolloutPromoted";
    public const string RolledBack = "RolloutRolledBack";
    public const string Aborted = "RolloutAborted";
    public const string Superseded = "RolloutSuperseded";
    public const string Succeeded = "RolloutSucceeded";
    public const string ClusterJoined = "RolloutClusterJoined";
}

/// <summary>Actors the hub itself names in rollout events (API callers are named by their token).</summary>
public static class RolloutActors
{
    /// <summary>The rollout engine: a gate passed, a deadline ran out, an automatic rollback.</summary>
    public const string System = "system";

    /// <summary>A rollout started by a new commit on the application's branch.</summary>
    public static string Git(string commit) => $"git:{(commit.Length > 8 ? commit[..8] : commit)}";
}

/// <summary>Something that happened to a rollout: when, who, why.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutEventRecord(long UnixMs, string Type, string Actor, string Reason);

/// <summary>One cluster's place in a rollout.</summary>
[GenerateSerializer]
public sealed class RolloutClusterRecord
{
    [Id(0)] public string Cluster { get; set; } = "";
    [Id(1)] public string Phase { get; set; } = RolloutPhases.Pending;
    /// <summary>The generation the hub sent when it moved this cluster; only status at or past it counts.</summary>
    [Id(2)] public long Generation { get; set; }
    [Id(3)] public long MovedUnixMs { get; set; }
    [Id(4)] public long PhaseSinceUnixMs { get; set; }
    [Id(5)] public string Message { get; set; } = "";
}

/// <summary>One wave of a running or finished rollout.</summary>
[GenerateSerializer]
public sealed class RolloutWaveRecord
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string Phase { get; set; } = RolloutPhases.Pending;
    [Id(2)] public List<RolloutClusterRecord> Clusters { get; set; } = [];
    [Id(3)] public long PhaseSinceUnixMs { get; set; }
    [Id(4)] public long BakeStartedUnixMs { get; set; }
    [Id(5)] public bool Approved { get; set; }
    [Id(6)] public int BakeSeconds { get; set; }
    [Id(7)] public bool RequireApproval { get; set; }
    [Id(8)] public string MaxParallel { get; set; } = "";
}

/// <summary>A rollout of one revision of an application across its clusters, wave by wave.</summary>
[GenerateSerializer]
public sealed class RolloutRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Application { get; set; } = "";
    [Id(2)] public string FromRevision { get; set; } = "";
    [Id(3)] public string ToRevision { get; set; } = "";
    [Id(4)] public string Phase { get; set; } = RolloutPhases.Progressing;
    [Id(5)] public int CurrentWave { get; set; }
    [Id(6)] public List<RolloutWaveRecord> Waves { get; set; } = [];
    [Id(7)] public string Reason { get; set; } = "";
    [Id(8)] public string Actor { get; set; } = "";
    [Id(9)] public long StartedUnixMs { get; set; }
    [Id(10)] public long PhaseSinceUnixMs { get; set; }
    [Id(11)] public long FinishedUnixMs { get; set; }
    [Id(12)] public List<RolloutEventRecord> Events { get; set; } = [];
    [Id(13)] public RolloutStrategyModel? Strategy { get; set; }
}

/// <summary>Persisted state of an application's rollouts: the current one and the finished ones.</summary>
[GenerateSerializer]
internal sealed class RolloutState
{
    [Id(0)] public RolloutRecord? Current { get; set; }
    [Id(1)] public List<RolloutRecord> History { get; set; } = [];
}

/// <summary>What a rollout would do before anything moves.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutPlanInfo(
    string Application,
    string FromRevision,
    string ToRevision,
    IReadOnlyList<RolloutWaveRecord> Waves,
    IReadOnlyList<string> ChangedFiles,
    IReadOnlyList<string> ChangedResources,
    string Error);
