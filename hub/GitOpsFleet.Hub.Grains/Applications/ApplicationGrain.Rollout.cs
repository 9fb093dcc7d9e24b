namespace GitOpsFleet.Hub.Grains;

// Per-target revisions: with a rollout strategy the rollout grain decides which clusters move now.
internal sealed partial class ApplicationGrain
{
    private bool _rolloutAwake;

    /// <summary>
    /// Once per activation, on the first status report: a rollout in flight when the hub stopped re-arms
    /// its timer as soon as the agents are back (the rollout grain's own activation re-arms it).
    /// </summary>
    private void WakeRollout()
    {
        if (!_rolloutAwake && state.State.Exists && state.State.Spec is { HasWaves: true })
        {
            _rolloutAwake = true;
            GrainFactory.GetGrain<IRolloutGrain>(Name).WakeAsync().Ignore();
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> PinTargetsAsync(TargetPins pins)
    {
        EnsureExists();
        if (pins.ClearAll)
        {
            state.State.Pins.Clear();
        }
        foreach (var cluster in pins.Unpin)
        {
            state.State.Pins.Remove(cluster);
        }
        foreach (var (cluster, pinned) in pins.Pin)
        {
            state.State.Pins[cluster] = pinned;
        }
        if (pins.Baseline.Length > 0)
        {
            state.State.Baseline = pins.Baseline;
        }
        // Drop pins equal to the baseline so the state stays small once a rollout finishes.
        foreach (var cluster in state.State.Pins.Where(p => p.Value == state.State.Baseline).Select(p => p.Key).ToList())
        {
            state.State.Pins.Remove(cluster);
        }
        var commit = state.State.Commit.Length > 0 ? state.State.Commit : null;
        await ReconcileAsync(fetch: false, commit, onlyCluster: null);
        return state.State.Targets.ToDictionary(t => t.Key, t => t.Value.Generation, StringComparer.Ordinal);
    }

    /// <summary>The commit one cluster gets: the newest without waves, else its pin or the baseline.</summary>
    private string RevisionFor(ApplicationSpecModel spec, string cluster, string newest)
    {
        if (!spec.HasWaves)
        {
            return newest;
        }
        if (state.State.Pins.TryGetValue(cluster, out var pinned))
        {
            return pinned;
        }
        return state.State.Baseline.Length > 0 ? state.State.Baseline : newest;
    }

    /// <summary>Keeps the baseline current and tells the rollout grain about a commit it has not seen.</summary>
    private Task NoteResolvedCommitAsync(ApplicationSpecModel spec, string commit)
    {
        if (!spec.HasWaves || state.State.Baseline.Length == 0)
        {
            // No waves, or the first deployment: there is nothing older to protect, so everything moves at once.
            state.State.Baseline = commit;
            state.State.Pins.Clear();
            return Task.CompletedTask;
        }
        if (commit != state.State.Commit && commit != state.State.Baseline)
        {
            GrainFactory.GetGrain<IRolloutGrain>(Name).OnNewCommitAsync(commit, state.State.Baseline).Ignore();
        }
        return Task.CompletedTask;
    }
}
