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
        return new RolloutPlanInfo(Name, from, to, waves, []);
    }
}
