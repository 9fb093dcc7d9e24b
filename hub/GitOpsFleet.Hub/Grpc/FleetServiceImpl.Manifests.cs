using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Sources;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

// `fleet app manifests`: the bundle the hub sends (or would send) a cluster, rendered through the same cache.
internal sealed partial class FleetServiceImpl
{
    public override async Task<ApplicationManifests> GetApplicationManifests(GetApplicationManifestsRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var info = await grains.GetGrain<IApplicationGrain>(request.Name).GetAsync(includeResources: false)
            ?? throw HubException.NotFound($"application {request.Name}");
        var spec = info.Spec;
        var repositoryGrain = grains.GetGrain<IRepositoryGrain>(spec.Repository);
        var repository = await repositoryGrain.GetAsync()
            ?? throw new HubException(HubErrorKind.FailedPrecondition, $"application {request.Name}: repository {spec.Repository} is not known to the hub");

        var clusterName = request.Cluster;
        if (clusterName.Length > 0)
        {
            RequireDnsLabel(clusterName, "cluster");
        }
        else
        {
            clusterName = info.Targets.Select(t => t.Cluster).Order(StringComparer.Ordinal).FirstOrDefault() ?? "";
        }
        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();
        if (clusterName.Length > 0)
        {
            var cluster = await grains.GetGrain<IClusterGrain>(clusterName).GetAsync() ?? throw HubException.NotFound($"cluster {clusterName}");
            labels = cluster.Labels;
        }

        var commit = await CommitForManifestsAsync(request, info, clusterName, repositoryGrain);
        var reply = new ApplicationManifests { Revision = commit, Cluster = clusterName };
        var renderRequest = new RenderRequest(
            new RepositorySpec(repository.Name, repository.Url, NullIfEmpty(repository.Username), NullIfEmpty(repository.Password)),
            commit, spec.Path, spec.Renderer, spec.Include, spec.Exclude,
            new ClusterParameters(clusterName, labels), spec.Parameters?.ToRenderParameters());
        try
        {
            // The renderer is a hub singleton (the grains use the same one): the render cache answers repeat calls.
            var renderer = context.GetHttpContext().RequestServices.GetRequiredService<IManifestRenderer>();
            var bundle = await renderer.RenderAsync(renderRequest, context.CancellationToken);
            reply.ManifestsJson.AddRange(bundle.ManifestsJson);
        }
        catch (SourceException ex)
        {
            reply.Error = ex.Message;
        }
        return reply;
    }

    /// <summary>The requested revision resolved, else the commit the cluster is pinned to, else the application's commit.</summary>
    private static async Task<string> CommitForManifestsAsync(GetApplicationManifestsRequest request, ApplicationInfo info, string cluster,
        IRepositoryGrain repositoryGrain)
    {
        var revision = request.Revision;
        if (revision.Length == 0)
        {
            var pinned = info.Targets.FirstOrDefault(t => t.Cluster == cluster)?.DesiredRevision;
            if (!string.IsNullOrEmpty(pinned))
            {
                return pinned;
            }
            if (info.Revision.Length > 0)
            {
                return info.Revision;
            }
            revision = info.Spec.Revision;
        }
        // Fetch: a revision asked for by name means its newest commit. No subscriber: looking at another revision
        // must not change what the application follows.
        var resolved = await repositoryGrain.ResolveAsync(revision, fetch: true, subscriber: "");
        return resolved.Commit ?? throw new HubException(HubErrorKind.FailedPrecondition,
            $"application {request.Name}: revision '{revision}' of repository {info.Spec.Repository} did not resolve: {resolved.Error}", "revision");
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
