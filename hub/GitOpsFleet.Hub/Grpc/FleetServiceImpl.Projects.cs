using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Projects: what an application may deploy, from which repositories, to which destinations.</summary>
internal sealed partial class FleetServiceImpl
{
    public override async Task<Project> CreateProject(CreateProjectRequest request, ServerCallContext context)
    {
        var project = request.Project ?? throw HubException.Invalid("project", "is required");
        RequireDnsLabel(project.Name, "project.name");
        var spec = project.Spec ?? new ProjectSpec();
        RequireNonEmptyEntries(spec.SourceRepos, "project.spec.source_repos");
        RequireKindRules(spec.AllowedKinds, "project.spec.allowed_kinds");
        RequireKindRules(spec.DeniedKinds, "project.spec.denied_kinds");
        var model = new ProjectModel(
            project.Name,
            spec.SourceRepos.ToList(),
            spec.Destinations.Select(d => new ProjectDestinationModel(d.Namespace, new Dictionary<string, string>(d.ClusterSelector))).ToList(),
            spec.AllowedKinds.ToList(),
            spec.DeniedKinds.ToList(),
            0);
        return ProjectToProto(await grains.Project(project.Name).CreateAsync(model, request.Upsert));
    }

    public override async Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
    {
        var names = (await grains.Index(ProjectKeys.Index).ListAsync()).Keys.Where(n => n != ProjectModel.DefaultName).Order(StringComparer.Ordinal);
        var projects = await Task.WhenAll(names.Select(name => grains.Project(name).GetAsync()));
        var reply = new ListProjectsResponse();
        reply.Projects.Add(ProjectToProto(ProjectModel.Default));
        reply.Projects.AddRange(projects.OfType<ProjectModel>().Select(ProjectToProto));
        return reply;
    }

    public override async Task<Project> GetProject(GetProjectRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var project = await grains.Project(request.Name).GetAsync() ?? throw HubException.NotFound($"project {request.Name}");
        return ProjectToProto(project);
    }

    public override async Task<Empty> DeleteProject(DeleteProjectRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        if (request.Name == ProjectModel.DefaultName)
        {
            throw new HubException(HubErrorKind.FailedPrecondition, "project default is built in; it cannot be deleted", "name");
        }
        var names = (await grains.Index(IndexKeys.Applications).ListAsync()).Keys;
        var infos = await Task.WhenAll(names.Select(name => grains.GetGrain<IApplicationGrain>(name).GetAsync(includeResources: false)));
        var users = infos.OfType<ApplicationInfo>().Where(a => a.Spec.Project == request.Name).Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
        if (users.Count > 0)
        {
            throw new HubException(HubErrorKind.FailedPrecondition,
                $"project {request.Name} is used by application(s) {string.Join(", ", users)}; delete or move them first", "name");
        }
        if (!await grains.Project(request.Name).DeleteAsync())
        {
            throw HubException.NotFound($"project {request.Name}");
        }
        return EmptyReply;
    }

    /// <summary>The project an application names must exist and allow its source and destination namespace.</summary>
    private async Task CheckApplicationProjectAsync(string projectName, string repositoryName, string ns)
    {
        var project = await grains.Project(projectName).GetAsync()
            ?? throw HubException.Invalid("application.spec.project", $"project {projectName} does not exist; create it with `fleet project create`");
        var repository = await grains.GetGrain<IRepositoryGrain>(repositoryName).GetAsync();
        if (ProjectPolicy.CheckSource(project, repositoryName, repository?.Url ?? "") is { } sourceError)
        {
            throw HubException.Invalid("application.spec.source.repo", sourceError);
        }
        if (ProjectPolicy.CheckNamespace(project, ns) is { } namespaceError)
        {
            throw HubException.Invalid("application.spec.destination.namespace", namespaceError);
        }
    }

    private static void RequireNonEmptyEntries(IEnumerable<string> values, string field)
    {
        if (values.Any(string.IsNullOrWhiteSpace))
        {
            throw HubException.Invalid(field, "has an empty entry");
        }
    }

    private static void RequireKindRules(IEnumerable<string> rules, string field)
    {
        foreach (var rule in rules)
        {
            var slash = rule.LastIndexOf('/');
            if (string.IsNullOrWhiteSpace(rule) || rule[(slash + 1)..].Length == 0)
            {
                throw HubException.Invalid(field, $"'{rule}' is not group/kind (e.g. rbac.authorization.k8s.io/ClusterRole, */*, or Kind)");
            }
        }
    }

    private static Project ProjectToProto(ProjectModel model)
    {
        var spec = new ProjectSpec();
        spec.SourceRepos.AddRange(model.SourceRepos);
        spec.AllowedKinds.AddRange(model.AllowedKinds);
        spec.DeniedKinds.AddRange(model.DeniedKinds);
        foreach (var destination in model.Destinations)
        {
            var proto = new ProjectDestination { Namespace = destination.Namespace };
            foreach (var (key, value) in destination.ClusterSelector)
            {
                proto.ClusterSelector[key] = value;
            }
            spec.Destinations.Add(proto);
        }
        return new Project { Name = model.Name, Spec = spec, CreatedUnixMs = model.CreatedUnixMs };
    }
}
