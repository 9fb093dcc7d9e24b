using System.Text.Json.Nodes;
using GitOpsFleet.Sources;

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
        var (resources, error) = first is null || from == to ? ([], "") : await DiffResourcesAsync(app.Spec, first, from, to);
        return new RolloutPlanInfo(Name, from, to, waves, [], resources, error);
    }

    /// <summary>Renders both revisions for one cluster and lists added (+), removed (-) and changed (~) resources.</summary>
    private async Task<(IReadOnlyList<string> Changes, string Error)> DiffResourcesAsync(ApplicationSpecModel spec, string cluster, string from, string to)
    {
        try
        {
            var repository = await GrainFactory.GetGrain<IRepositoryGrain>(spec.Repository).GetAsync()
                ?? throw HubException.NotFound($"repository {spec.Repository}");
            var repositorySpec = new RepositorySpec(repository.Name, repository.Url,
                repository.Username.Length > 0 ? repository.Username : null, repository.Password.Length > 0 ? repository.Password : null);
            var labels = (await GrainFactory.Index(IndexKeys.Clusters).ListAsync()).GetValueOrDefault(cluster) ?? new Dictionary<string, string>();
            async Task<Dictionary<string, string>> RenderAsync(string commit)
            {
                var bundle = await renderer.RenderAsync(new RenderRequest(repositorySpec, commit, spec.Path, spec.Renderer, spec.Include, spec.Exclude,
                    new ClusterParameters(cluster, labels), spec.Parameters?.ToRenderParameters()), CancellationToken.None);
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
            return ([], ex.Message);
        }
    }
}
