using System.Text.Json.Nodes;
using GitOpsFleet.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace GitOpsFleet.Hub.Grains;

// What a rollout would do, before anything moves.
internal sealed partial class RolloutGrain
{
    public async Task<RolloutPlanInfo> PlanAsync(string revision)
    {
        var app = await App.GetAsync(includeResources: false) ?? throw HubException.NotFound($"application {Name}");
        var to = app.Revision;
        if (revision.Length > 0)
        {
            var resolved = await GrainFactory.GetGrain<IRepositoryGrain>(app.Spec.Repository).ResolveAsync(revision, fetch: false, Name);
            to = resolved.Commit ?? throw HubException.Invalid("revision",
                resolved.Error ?? $"revision {revision} does not resolve in repository {app.Spec.Repository}");
        }
        var strategy = app.Spec.Rollout ?? new RolloutStrategyModel([], RolloutStrategyModel.PolicyPause, 0, 0, RolloutStrategyModel.DisconnectedWait);
        var waves = await AssignWavesAsync(strategy, app.Targets.Select(t => t.Cluster));
        var current = app.Targets.ToDictionary(t => t.Cluster, t => t.DesiredRevision, StringComparer.Ordinal);
        foreach (var cluster in waves.SelectMany(w => w.Clusters))
        {
            // Clusters already at the target revision have nothing to change.
            var at = current.GetValueOrDefault(cluster.Cluster, "");
            cluster.Message = at == to ? "already at the revision" : $"{Short(at)} -> {Short(to)}";
        }
        var from = app.Targets.Select(t => t.DesiredRevision).FirstOrDefault(r => r != to) ?? to;
        var first = waves.SelectMany(w => w.Clusters).FirstOrDefault()?.Cluster;
        if (first is null || from == to || from.Length == 0)
        {
            return new RolloutPlanInfo(Name, from, to, waves, [], [], "");
        }
        var (repositorySpec, renderFor) = await PlanInputsAsync(app.Spec, first);
        var (files, filesError) = await DiffFilesAsync(app.Spec, repositorySpec, renderFor, from, to);
        var (resources, resourcesError) = await DiffResourcesAsync(app.Spec, repositorySpec, renderFor, from, to);
        return new RolloutPlanInfo(Name, from, to, waves, files, resources, string.Join("; ", new[] { filesError, resourcesError }.Where(e => e.Length > 0)));
    }

    /// <summary>The repository (with its credentials) and the labels of the cluster the plan renders for.</summary>
    private async Task<(RepositorySpec Repository, ClusterParameters Cluster)> PlanInputsAsync(ApplicationSpecModel spec, string cluster)
    {
        var repository = await GrainFactory.GetGrain<IRepositoryGrain>(spec.Repository).GetAsync()
            ?? throw HubException.NotFound($"repository {spec.Repository}");
        var repositorySpec = new RepositorySpec(repository.Name, repository.Url,
            repository.Username.Length > 0 ? repository.Username : null, repository.Password.Length > 0 ? repository.Password : null);
        var labels = await GrainFactory.Index(IndexKeys.Clusters).GetAsync(cluster) ?? new Dictionary<string, string>();
        return (repositorySpec, new ClusterParameters(cluster, labels));
    }

    /// <summary>Files added (A), modified (M), deleted (D) or renamed (R) under the application's path between the revisions.</summary>
    private async Task<(IReadOnlyList<string> Changes, string Error)> DiffFilesAsync(ApplicationSpecModel spec, RepositorySpec repository,
        ClusterParameters cluster, string from, string to)
    {
        // Resolved per call: hosts that register no diff (some tests) still plan resources.
        if (ServiceProvider.GetService<IGitDiff>() is not { } diff)
        {
            return ([], "");
        }
        try
        {
            var changes = await diff.DiffAsync(repository, from, to, spec.Path, cluster, CancellationToken.None);
            return (changes.Select(c => c.ToString()).ToList(), "");
        }
        catch (SourceException ex)
        {
            return ([], $"could not list the changed files: {ex.Message}");
        }
    }

    /// <summary>
    /// Renders both revisions for one cluster, with the application's parameters (Helm values, Jsonnet TLAs, cluster
    /// placeholders) exactly as its targets get them, and lists added (+), removed (-) and changed (~) resources.
    /// </summary>
    private async Task<(IReadOnlyList<string> Changes, string Error)> DiffResourcesAsync(ApplicationSpecModel spec, RepositorySpec repositorySpec,
        ClusterParameters cluster, string from, string to)
    {
        try
        {
            async Task<Dictionary<string, string>> RenderAsync(string commit)
            {
                var bundle = await renderer.RenderAsync(new RenderRequest(repositorySpec, commit, spec.Path, spec.Renderer, spec.Include, spec.Exclude,
                    cluster, spec.Parameters?.ToRenderParameters()), CancellationToken.None);
                var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var json in bundle.ManifestsJson)
                {
                    var node = JsonNode.Parse(json);
                    var ns = node?["metadata"]?["namespace"]?.GetValue<string>() ?? spec.Namespace;
                    var key = $"{node?["kind"]?.GetValue<string>()} {(ns.Length > 0 ? ns + "/" : "")}{node?["metadata"]?["name"]?.GetValue<string>()}";
                    byKey[key] = json;
                }
                return byKey;
            }
            var before = await RenderAsync(from);
            var after = await RenderAsync(to);
            var changes = after.Keys.Where(k => !before.ContainsKey(k)).Select(k => "+ " + k)
                .Concat(before.Keys.Where(k => !after.ContainsKey(k)).Select(k => "- " + k))
                .Concat(after.Where(p => before.TryGetValue(p.Key, out var old) && old != p.Value).Select(p => "~ " + p.Key))
                .Order(StringComparer.Ordinal).ToList();
            return (changes, "");
        }
        catch (Exception ex) when (ex is SourceException or HubException)
        {
            return ([], $"could not render both revisions: {ex.Message}");
        }
    }
}
