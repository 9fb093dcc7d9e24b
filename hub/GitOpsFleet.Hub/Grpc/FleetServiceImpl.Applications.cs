using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

internal sealed partial class FleetServiceImpl
{
    private static readonly HashSet<string> Renderers = new(StringComparer.Ordinal) { "directory", "kustomize", "jsonnet", "helm", "auto" };

    public override async Task<Application> CreateApplication(CreateApplicationRequest request, ServerCallContext context)
    {
        var app = request.Application ?? throw HubException.Invalid("application", "is required");
        RequireDnsLabel(app.Name, "application.name");
        var source = app.Spec?.Source ?? throw HubException.Invalid("application.spec.source", "is required");
        Require(source.Repo, "application.spec.source.repo");
        var renderer = string.IsNullOrEmpty(source.Renderer) ? "directory" : source.Renderer;
        if (!Renderers.Contains(renderer))
        {
            throw HubException.Invalid("application.spec.source.renderer", $"'{renderer}' is not one of directory, kustomize, jsonnet, helm, auto");
        }
        if (source.Path.Split('/', '\\').Contains(".."))
        {
            throw HubException.Invalid("application.spec.source.path", $"'{source.Path}' leaves the repository ('..' is not allowed)");
        }
        var destination = app.Spec.Destination ?? new ApplicationDestination();
        if (destination.Namespace.Length > 0 && !Names.IsDnsLabel(destination.Namespace))
        {
            throw HubException.Invalid("application.spec.destination.namespace", $"'{destination.Namespace}' is not a valid namespace name");
        }
        var repository = await RepositoryNameForAsync(source.Repo);
        await CheckApplicationProjectAsync(string.IsNullOrEmpty(app.Spec.Project) ? "default" : app.Spec.Project, repository, destination.Namespace);
        var spec = new ApplicationSpecModel(
            repository,
            source.Path,
            source.Revision,
            renderer,
            source.Include.ToList(),
            source.Exclude.ToList(),
            new Dictionary<string, string>(destination.ClusterSelector),
            destination.Namespace,
            app.Spec.SyncPolicy.ToModel(),
            string.IsNullOrEmpty(app.Spec.Project) ? "default" : app.Spec.Project) { Rollout = app.Spec.Rollout.ToModel(), Parameters = source.ToParametersModel() };
        var info = await grains.GetGrain<IApplicationGrain>(app.Name).CreateAsync(spec, request.Upsert);
        return info.ToProto();
    }

    public override async Task<ListApplicationsResponse> ListApplications(ListApplicationsRequest request, ServerCallContext context)
    {
        var names = (await grains.Index(IndexKeys.Applications).ListAsync()).Keys;
        var infos = await Task.WhenAll(names.Select(name => grains.GetGrain<IApplicationGrain>(name).GetAsync(includeResources: false)));
        var reply = new ListApplicationsResponse();
        reply.Applications.AddRange(infos.OfType<ApplicationInfo>().Select(info => info.ToProto()));
        return reply;
    }

    public override async Task<Application> GetApplication(GetApplicationRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var info = await grains.GetGrain<IApplicationGrain>(request.Name).GetAsync(request.Resources)
            ?? throw HubException.NotFound($"application {request.Name}");
        return info.ToProto();
    }

    public override async Task<Empty> DeleteApplication(DeleteApplicationRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        if (!await grains.GetGrain<IApplicationGrain>(request.Name).DeleteAsync(request.Prune))
        {
            throw HubException.NotFound($"application {request.Name}");
        }
        return EmptyReply;
    }

    public override async Task<Application> SyncApplication(SyncApplicationRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var info = await grains.GetGrain<IApplicationGrain>(request.Name).SyncAsync();
        return info.ToProto();
    }
}
