namespace GitOpsFleet.Hub.Grains;

/// <summary>Where a project's applications may deploy: a namespace glob on clusters matching a selector.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectDestinationModel(
    [property: Id(0)] string Namespace,
    [property: Id(1)] IReadOnlyDictionary<string, string> ClusterSelector);

/// <summary>A project: the sources, destinations and kinds its applications may use.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectModel(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> SourceRepos,
    [property: Id(2)] IReadOnlyList<ProjectDestinationModel> Destinations,
    [property: Id(3)] IReadOnlyList<string> AllowedKinds,
    [property: Id(4)] IReadOnlyList<string> DeniedKinds,
    [property: Id(5)] long CreatedUnixMs)
{
    /// <summary>The name of the built-in project that always exists and allows everything.</summary>
    public const string DefaultName = "default";

    /// <summary>The built-in default project.</summary>
    public static ProjectModel Default { get; } = new(DefaultName, [], [], ["*/*"], [], 0);

    /// <summary>True for the built-in default project.</summary>
    public bool IsDefault => Name == DefaultName;
}
