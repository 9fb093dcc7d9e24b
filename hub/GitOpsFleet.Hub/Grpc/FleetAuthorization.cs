namespace GitOpsFleet.Hub.Grpc;

/// <summary>What a FleetService method needs from the caller's token.</summary>
internal enum FleetPermission
{
    /// <summary>Reads: admin and readonly tokens.</summary>
    Read,

    /// <summary>Changes: admin tokens only.</summary>
    Write,

    /// <summary>Token management (even listing): admin tokens only.</summary>
    Admin,
}

/// <summary>Which object a method touches, which decides what a project-scoped token may do.</summary>
internal enum FleetScope
{
    /// <summary>Fleet-wide objects (join tokens, tokens, changes to clusters and repositories): never a project token.</summary>
    Fleet,

    /// <summary>One application named in the request: a project token when the application is in its project.</summary>
    Application,

    /// <summary>The application list: a project token sees its project's applications only.</summary>
    ApplicationList,

    /// <summary>One project named in the request: a project token reads its own project only.</summary>
    Project,

    /// <summary>
    /// Fleet-wide reads a project token may make too, answered with only what its project may see
    /// (<see cref="ProjectView"/>: the clusters its destinations select, the repositories its sources
    /// allow, events about those clusters and its applications).
    /// </summary>
    ProjectView,
}

/// <summary>One row of the authorization table.</summary>
internal sealed record FleetRule(FleetPermission Permission, FleetScope Scope);

/// <summary>
/// The authorization table: the one place that says what every FleetService method needs.
/// A method without a row is refused (and the authorization matrix test fails), so a new rpc
/// cannot ship open by accident.
/// </summary>
internal static class FleetAuthorization
{
    private static readonly FleetRule FleetRead = new(FleetPermission.Read, FleetScope.Fleet);
    private static readonly FleetRule FleetWrite = new(FleetPermission.Write, FleetScope.Fleet);
    private static readonly FleetRule FleetAdmin = new(FleetPermission.Admin, FleetScope.Fleet);
    private static readonly FleetRule ProjectViewRead = new(FleetPermission.Read, FleetScope.ProjectView);
    private static readonly FleetRule AppRead = new(FleetPermission.Read, FleetScope.Application);
    private static readonly FleetRule AppWrite = new(FleetPermission.Write, FleetScope.Application);

    /// <summary>Method name (as in fleet.proto) to the permission it needs.</summary>
    internal static readonly IReadOnlyDictionary<string, FleetRule> Table = new Dictionary<string, FleetRule>(StringComparer.Ordinal)
    {
        ["CreateJoinToken"] = FleetWrite,
        ["ListJoinTokens"] = FleetRead,
        ["RevokeJoinToken"] = FleetWrite,
        ["ListClusters"] = ProjectViewRead,
        ["GetCluster"] = ProjectViewRead,
        ["RemoveCluster"] = FleetWrite,
        ["ApproveCluster"] = FleetWrite,
        // Mints and cuts credentials: as sensitive as token management.
        ["RotateClusterCredential"] = FleetAdmin,

        ["AddRepository"] = FleetWrite,
        ["ListRepositories"] = ProjectViewRead,
        ["RemoveRepository"] = FleetWrite,

        ["CreateApplication"] = AppWrite,
        ["ListApplications"] = new(FleetPermission.Read, FleetScope.ApplicationList),
        ["GetApplication"] = AppRead,
        ["DeleteApplication"] = AppWrite,
        ["SyncApplication"] = AppWrite,

        // Events name objects of every project: a project token gets those about its clusters and applications.
        ["ListEvents"] = ProjectViewRead,
        ["WatchEvents"] = ProjectViewRead,

        // Rollout requests name their application.
        ["GetRollout"] = AppRead,
        ["PauseRollout"] = AppWrite,
        ["ResumeRollout"] = AppWrite,
        ["PromoteRollout"] = AppWrite,
        ["AbortRollout"] = AppWrite,
        ["PlanRollout"] = AppRead,
        ["ListRolloutHistory"] = AppRead,
        ["RollbackApplication"] = AppWrite,

        ["GetApplicationManifests"] = AppRead,

        ["CreateApiToken"] = FleetAdmin,
        ["ListApiTokens"] = FleetAdmin,
        ["RevokeApiToken"] = FleetAdmin,

        // Projects are fleet-wide policy: admins change them; a project token reads its own alone.
        ["CreateProject"] = FleetWrite,
        ["ListProjects"] = FleetRead,
        ["GetProject"] = new(FleetPermission.Read, FleetScope.Project),
        ["DeleteProject"] = FleetWrite,
    };

    /// <summary>The row for a gRPC method path ("/package.Service/Method"), or null when it has none.</summary>
    internal static FleetRule? RuleFor(string methodPath) =>
        Table.GetValueOrDefault(methodPath[(methodPath.LastIndexOf('/') + 1)..]);

    /// <summary>Whether the role may use a method that needs the permission (project scoping is checked apart).</summary>
    internal static bool RoleAllows(string role, FleetRule rule) => role switch
    {
        Grains.ApiRoles.Admin => true,
        Grains.ApiRoles.ReadOnly => rule.Permission == FleetPermission.Read,
        Grains.ApiRoles.Project => rule.Scope != FleetScope.Fleet && rule.Permission != FleetPermission.Admin
            && (rule.Scope != FleetScope.Project || rule.Permission == FleetPermission.Read),
        _ => false,
    };
}
