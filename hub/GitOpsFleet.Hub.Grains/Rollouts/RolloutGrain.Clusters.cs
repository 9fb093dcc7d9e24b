namespace GitOpsFleet.Hub.Grains;

// Per-cluster steps of the current wave: gating on reported status, admitting joiners, moving the next clusters.
internal sealed partial class RolloutGrain
{
    /// <summary>Moves each cluster's phase on from the status its agent reported for the generation the rollout sent.</summary>
    private bool Evaluate(RolloutRecord rollout, RolloutStrategyModel strategy, RolloutWaveRecord wave, Dictionary<string, TargetInfo> targets)
    {
        var changed = false;
        foreach (var cluster in wave.Clusters.Where(c => c.Phase is RolloutPhases.Progressing or RolloutPhases.Succeeded))
        {
            if (!targets.TryGetValue(cluster.Cluster, out var target))
            {
                // The cluster left the application (removed, relabelled): nothing to wait for.
                changed |= SetClusterPhase(cluster, RolloutPhases.Skipped, "no longer a target of the application");
                continue;
            }
            if (!target.Connected && strategy.SkipsDisconnected)
            {
                changed |= SetClusterPhase(cluster, RolloutPhases.Skipped, "disconnected; it catches up when it returns");
                continue;
            }
            var reported = target.DesiredRevision == rollout.ToRevision && target.ObservedGeneration >= cluster.Generation
                && target.ObservedGeneration >= target.Generation && target.ObservedRevision == rollout.ToRevision;
            if (reported && target.Connected && target.Sync == SyncState.Synced && target.Health == HealthState.Healthy)
            {
                changed |= SetClusterPhase(cluster, RolloutPhases.Succeeded, "");
            }
            else if (reported && (target.Phase == OperationState.Failed || target.Health == HealthState.Degraded))
            {
                changed |= SetClusterPhase(cluster, RolloutPhases.Failed,
                    $"{(target.Phase == OperationState.Failed ? "sync failed" : "Degraded")}: {target.Message}".TrimEnd(' ', ':'));
            }
            else if (Now - cluster.MovedUnixMs > (long)strategy.ProgressDeadline.TotalMilliseconds)
            {
                changed |= SetClusterPhase(cluster, RolloutPhases.Failed,
                    $"not Synced and Healthy at {Short(rollout.ToRevision)} within the progress deadline ({strategy.ProgressDeadline.TotalSeconds:0}s)");
            }
            else if (cluster.Phase == RolloutPhases.Succeeded)
            {
                // Healthy before and not now: the bake starts over once it is Healthy again.
                changed |= SetClusterPhase(cluster, RolloutPhases.Progressing, $"{target.Health} after being Healthy");
            }
        }
        return changed;
    }

    /// <summary>
    /// A cluster that joined mid-rollout goes in its wave: if that wave already passed it gets the new
    /// revision now, otherwise it waits for its wave like the others.
    /// </summary>
    private async Task<bool> AdmitJoinedClustersAsync(RolloutRecord rollout, RolloutStrategyModel strategy, IEnumerable<string> targets)
    {
        var known = rollout.Waves.SelectMany(w => w.Clusters).Select(c => c.Cluster).ToHashSet(StringComparer.Ordinal);
        var joined = targets.Where(t => !known.Contains(t)).ToList();
        if (joined.Count == 0)
        {
            return false;
        }
        var placed = await AssignWavesAsync(strategy, joined);
        var catchUp = new List<RolloutClusterRecord>();
        foreach (var wave in placed.Where(w => w.Clusters.Count > 0))
        {
            var index = rollout.Waves.FindIndex(w => w.Name == wave.Name);
            if (index < 0)
            {
                rollout.Waves.Add(wave);
                continue;
            }
            rollout.Waves[index].Clusters.AddRange(wave.Clusters);
            if (index < rollout.CurrentWave)
            {
                catchUp.AddRange(wave.Clusters);
            }
        }
        if (catchUp.Count > 0)
        {
            await MoveAsync(rollout, catchUp);
            foreach (var cluster in catchUp)
            {
                SetClusterPhase(cluster, RolloutPhases.Succeeded, "joined after its wave passed; moved at once");
            }
        }
        await RecordAsync(rollout, RolloutEventTypes.ClusterJoined, RolloutActors.System, $"{string.Join(", ", joined)} joined mid-rollout");
        return true;
    }

    private async Task<bool> MoveNextClustersAsync(RolloutRecord rollout, RolloutWaveRecord wave, Dictionary<string, TargetInfo> targets)
    {
        var inFlight = wave.Clusters.Count(c => c.Phase == RolloutPhases.Progressing);
        var room = RolloutStrategyModel.Parallelism(wave.MaxParallel, wave.Clusters.Count) - inFlight;
        var next = wave.Clusters.Where(c => c.Phase == RolloutPhases.Pending).Take(Math.Max(room, 0)).ToList();
        if (next.Count == 0)
        {
            return false;
        }
        await MoveAsync(rollout, next);
        return true;
    }

    private async Task MoveAsync(RolloutRecord rollout, List<RolloutClusterRecord> clusters)
    {
        var pins = clusters.ToDictionary(c => c.Cluster, _ => rollout.ToRevision, StringComparer.Ordinal);
        var generations = await App.PinTargetsAsync(new TargetPins(pins, [], ClearAll: false, Baseline: ""));
        foreach (var cluster in clusters)
        {
            cluster.Generation = generations.GetValueOrDefault(cluster.Cluster);
            cluster.MovedUnixMs = Now;
            SetClusterPhase(cluster, RolloutPhases.Progressing, "");
        }
    }
}
