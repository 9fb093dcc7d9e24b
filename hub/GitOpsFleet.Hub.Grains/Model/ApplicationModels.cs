namespace GitOpsFleet.Hub.Grains;

/// <summary>What an application deploys, where, and how.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationSpecModel(
    string Repository,
    string Path,
    string Revision,
    string Renderer,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    IReadOnlyDictionary<string, string> ClusterSelector,
    string Namespace,
    SyncSettings SyncPolicy,
    string Project)
{
    /// <summary>Waves for new revisions; null or no waves: every target moves at once.</summary>
    [Id(10)] public RolloutStrategyModel? Rollout { get; init; }

    /// <summary>Helm and Jsonnet parameters; null: the renderers' defaults.</summary>
    [Id(11)] public RenderParametersModel? Parameters { get; init; }

    public bool HasWaves => Rollout is { Waves.Count: > 0 };
}

/// <summary>One application on one cluster.</summary>
[GenerateSerializer, Immutable]
public sealed record TargetInfo(
    string Cluster,
    long Generation,
    string DesiredRevision,
    long ObservedGeneration,
    string ObservedRevision,
    SyncState Sync,
    HealthState Health,
    OperationState Phase,
    string Message,
    bool Connected,
    IReadOnlyList<ResourceRow> Resources,
    long UpdatedUnixMs);

/// <summary>An application with its aggregated status.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplicationInfo(
    string Name,
    ApplicationSpecModel Spec,
    string Revision,
    string Error,
    SyncState Sync,
    HealthState Health,
    IReadOnlyList<TargetInfo> Targets,
    long RenderedUnixMs,
    int ResourceCount,
    long CreatedUnixMs);
