using GitOpsFleet.Hub.Grains;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>
/// What a project-scoped API token may read of fleet-wide objects: the clusters its project's destinations
/// select, the repositories its project's sources allow, and events about those clusters and about its
/// project's applications. Anything else it is not shown (a project that no longer exists shows nothing).
/// </summary>
internal sealed class ProjectView
{
    private readonly IGrainFactory _grains;
    private readonly ProjectModel? _project;
    private readonly Dictionary<string, bool> _seen = new(StringComparer.Ordinal);

    private ProjectView(IGrainFactory grains, string projectName, ProjectModel? project)
    {
        _grains = grains;
        ProjectName = projectName;
        _project = project;
    }

    public string ProjectName { get; }

    /// <summary>The view of the call's project token, or null when the caller's token is not project-scoped.</summary>
    public static async Task<ProjectView?> ForAsync(IGrainFactory grains, ServerCallContext context)
    {
        if (!context.UserState.TryGetValue(FleetApiInterceptor.TokenKey, out var value) || value is not ApiTokenRecord { Role: ApiRoles.Project } token)
        {
            return null;
        }
        return new ProjectView(grains, token.Project, await grains.Project(token.Project).GetAsync());
    }

    /// <summary>Whether one of the project's destinations selects a cluster with these labels (no destinations: any).</summary>
    public bool AllowsCluster(IReadOnlyDictionary<string, string> labels) =>
        _project is not null && (_project.Destinations.Count == 0 || _project.Destinations.Any(d => Names.Matches(d.ClusterSelector, labels)));

    /// <summary>Whether the project's source globs allow the repository (no globs: any).</summary>
    public bool AllowsRepository(string name, string url) =>
        _project is not null && ProjectPolicy.CheckSource(_project, name, url) is null;

    /// <summary>Whether an event's object ("cluster/NAME", "application/NAME") is one the project may see.</summary>
    public async Task<bool> AllowsEventAsync(string obj)
    {
        if (_project is null)
        {
            return false;
        }
        if (_seen.TryGetValue(obj, out var known))
        {
            return known;
        }
        var slash = obj.IndexOf('/');
        var (kind, name) = slash < 0 ? (obj, "") : (obj[..slash], obj[(slash + 1)..]);
        bool? allowed = kind switch
        {
            "cluster" => (await _grains.GetGrain<IClusterGrain>(name).GetAsync()) is { } cluster ? AllowsCluster(cluster.Labels) : null,
            "application" => (await _grains.GetGrain<IApplicationGrain>(name).GetAsync(includeResources: false)) is { } app
                ? app.Spec.Project == ProjectName
                : null,
            _ => false,
        };
        // Objects that do not exist (yet) are asked again later: a watcher outlives creations.
        if (allowed is { } decided)
        {
            _seen[obj] = decided;
        }
        return allowed ?? false;
    }
}
