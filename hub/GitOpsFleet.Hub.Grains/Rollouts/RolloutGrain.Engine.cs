namespace GitOpsFleet.Hub.Grains;

// Starting, gating, passing and finishing rollouts.
internal sealed partial class RolloutGrain
{
    public async Task OnNewCommitAsync(string commit, string baseline)
    {
        if (state.State.Current is { } current && current.ToRevision == commit && RolloutPhases.IsActive(current.Phase))
        {
            return;
        }
        var app = await App.GetAsync(includeResources: false);
        if (app is null || !app.Spec.HasWaves)
        {
            return;
        }
        if (state.State.Current is { } running && RolloutPhases.IsActive(running.Phase))
        {
            // A newer commit starts over from the first wave; clusters the old one moved stay until their wave comes.
            await FinishAsync(running, RolloutPhases.Superseded, RolloutEventTypes.Superseded, RolloutActors.Git(commit), $"superseded by {Short(commit)}");
        }
        await StartAsync(app, commit, RolloutActors.Git(commit), $"new commit {Short(commit)} (from {Short(baseline)})", baseline);
    }

    private async Task<RolloutRecord> StartAsync(ApplicationInfo app, string commit, string actor, string reason, string? baseline = null)
    {
        var from = baseline ?? app.Targets.Where(t => t.DesiredRevision != commit).Select(t => t.DesiredRevision).FirstOrDefault() ?? "";
        var rollout = NewRollout(from, commit, actor, app.Spec.Rollout);
        rollout.Waves = await AssignWavesAsync(app.Spec.Rollout!, app.Targets.Select(t => t.Cluster));
        state.State.Current = rollout;
        await RecordAsync(rollout, RolloutEventTypes.Started, actor,
            $"{reason}: {rollout.Waves.Count} wave(s), {rollout.Waves.Sum(w => w.Clusters.Count)} cluster(s)");
        await state.WriteStateAsync();
        ArmIfActive();
        return rollout;
    }

    private RolloutRecord NewRollout(string from, string to, string actor, RolloutStrategyModel? strategy) => new()
    {
        Id = $"{Now:x}-{Short(to)}",
        Application = Name,
        FromRevision = from,
        ToRevision = to,
        Actor = actor,
        Phase = RolloutPhases.Progressing,
        StartedUnixMs = Now,
        PhaseSinceUnixMs = Now,
        Strategy = strategy,
    };

    /// <summary>Each cluster goes in the first wave whose selector matches it; clusters in no wave go in a final one.</summary>
    private async Task<List<RolloutWaveRecord>> AssignWavesAsync(RolloutStrategyModel strategy, IEnumerable<string> clusters)
    {
        var labels = await GrainFactory.Index(IndexKeys.Clusters).ListAsync();
        var waves = strategy.Waves.Select(w => new RolloutWaveRecord
        {
            Name = w.Name, BakeSeconds = w.BakeSeconds, RequireApproval = w.RequireApproval, MaxParallel = w.MaxParallel,
            PhaseSinceUnixMs = Now,
        }).ToList();
        RolloutWaveRecord? rest = null;
        foreach (var cluster in clusters.Order(StringComparer.Ordinal))
        {
            var clusterLabels = labels.TryGetValue(cluster, out var l) ? l : new Dictionary<string, string>();
            var index = strategy.Waves.ToList().FindIndex(w => Names.Matches(w.Selector, clusterLabels));
            RolloutWaveRecord wave;
            if (index >= 0)
            {
                wave = waves[index];
            }
            else
            {
                rest ??= new RolloutWaveRecord { Name = "rest", PhaseSinceUnixMs = Now };
                wave = rest;
            }
            wave.Clusters.Add(new RolloutClusterRecord { Cluster = cluster, PhaseSinceUnixMs = Now });
        }
        if (rest is not null)
        {
            waves.Add(rest);
        }
        return waves;
    }

    private void ArmIfActive()
    {
        if (Ticks(state.State.Current) && _timer is null)
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TickPeriod) { KeepAlive = true });
        }
    }

    /// <summary>The timer runs while clusters move and while a wave waits for approval (joining clusters are admitted then, too).</summary>
    private static bool Ticks(RolloutRecord? rollout) => rollout is { Phase: RolloutPhases.Progressing or RolloutPhases.WaitingApproval };

    private void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var rollout = state.State.Current;
        if (rollout is null || !Ticks(rollout))
        {
            Disarm();
            return;
        }
        try
        {
            if (await StepAsync(rollout))
            {
                await state.WriteStateAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTickFailed(ex, Name);
        }
        if (!Ticks(state.State.Current))
        {
            Disarm();
        }
    }

    /// <summary>One look at the current wave; true when something changed that must be persisted.</summary>
    private async Task<bool> StepAsync(RolloutRecord rollout)
    {
        var app = await App.GetAsync(includeResources: false);
        if (app is null)
        {
            await FinishAsync(rollout, RolloutPhases.Aborted, RolloutEventTypes.Aborted, RolloutActors.System, $"application {Name} was deleted");
            return true;
        }
        var strategy = rollout.Strategy ?? app.Spec.Rollout ?? new RolloutStrategyModel([], "", 0, 0, "");
        var wave = rollout.Waves[rollout.CurrentWave];
        var targets = app.Targets.ToDictionary(t => t.Cluster, StringComparer.Ordinal);
        // Before any gate: a cluster joining while a wave waits for approval still gets the revision its passed wave reached.
        var changed = await AdmitJoinedClustersAsync(rollout, strategy, targets.Keys);
        if (wave.Phase is RolloutPhases.Pending or RolloutPhases.WaitingApproval)
        {
            if (wave.RequireApproval && !wave.Approved)
            {
                if (rollout.Phase == RolloutPhases.WaitingApproval)
                {
                    return changed;
                }
                SetWavePhase(wave, RolloutPhases.WaitingApproval);
                await SetPhaseAsync(rollout, RolloutPhases.WaitingApproval, RolloutEventTypes.WaitingApproval, RolloutActors.System,
                    $"wave {wave.Name} waits for `fleet rollout promote {Name}`");
                return true;
            }
            SetWavePhase(wave, RolloutPhases.Progressing);
            await RecordAsync(rollout, RolloutEventTypes.WaveStarted, RolloutActors.System,
                $"wave {wave.Name} started: {string.Join(", ", wave.Clusters.Select(c => c.Cluster))}");
            changed = true;
        }

        changed |= Evaluate(rollout, strategy, wave, targets);
        var failed = wave.Clusters.Where(c => c.Phase == RolloutPhases.Failed).ToList();
        if (failed.Count > strategy.MaxFailures)
        {
            await FailWaveAsync(rollout, strategy, wave, failed);
            return true;
        }

        changed |= await MoveNextClustersAsync(rollout, wave, targets);
        if (wave.Clusters.Any(c => c.Phase is RolloutPhases.Pending or RolloutPhases.Progressing))
        {
            if (wave.BakeStartedUnixMs != 0)
            {
                wave.BakeStartedUnixMs = 0;
                SetWavePhase(wave, RolloutPhases.Progressing);
                changed = true;
            }
            return changed;
        }
        if (wave.BakeStartedUnixMs == 0)
        {
            wave.BakeStartedUnixMs = Now;
            SetWavePhase(wave, RolloutPhases.Baking);
            changed = true;
        }
        if (Now - wave.BakeStartedUnixMs >= wave.BakeSeconds * 1000L)
        {
            await PassWaveAsync(rollout, wave, RolloutActors.System, promoted: false);
            return true;
        }
        return changed;
    }

    private async Task PassWaveAsync(RolloutRecord rollout, RolloutWaveRecord wave, string actor, bool promoted)
    {
        var pending = wave.Clusters.Where(c => c.Phase == RolloutPhases.Pending).ToList();
        if (pending.Count > 0)
        {
            // Promoted before every cluster moved: the rest of the wave moves now, ungated.
            await MoveAsync(rollout, pending);
        }
        SetWavePhase(wave, RolloutPhases.Passed);
        await RecordAsync(rollout, RolloutEventTypes.WavePassed, actor, promoted
            ? $"wave {wave.Name} promoted"
            : $"wave {wave.Name} passed: {wave.Clusters.Count(c => c.Phase == RolloutPhases.Succeeded)} cluster(s) Healthy at {Short(rollout.ToRevision)}"
              + (wave.BakeSeconds > 0 ? $" for {wave.BakeSeconds}s" : ""));
        if (rollout.CurrentWave + 1 < rollout.Waves.Count)
        {
            rollout.CurrentWave++;
            return;
        }
        // Every wave passed: the new revision is the baseline and no pins remain.
        await App.PinTargetsAsync(new TargetPins(new Dictionary<string, string>(), [], ClearAll: true, Baseline: rollout.ToRevision));
        await FinishAsync(rollout, RolloutPhases.Succeeded, RolloutEventTypes.Succeeded, actor,
            $"{Short(rollout.ToRevision)} is on every wave");
    }

    private async Task FailWaveAsync(RolloutRecord rollout, RolloutStrategyModel strategy, RolloutWaveRecord wave, List<RolloutClusterRecord> failed)
    {
        SetWavePhase(wave, RolloutPhases.Failed);
        var reason = $"wave {wave.Name} failed on {string.Join(", ", failed.Select(c => $"{c.Cluster} ({c.Message})"))}";
        await RecordAsync(rollout, RolloutEventTypes.WaveFailed, RolloutActors.System, reason);
        if (strategy.RollsBack)
        {
            await ReturnMovedClustersAsync(rollout);
            await FinishAsync(rollout, RolloutPhases.RolledBack, RolloutEventTypes.RolledBack, RolloutActors.System,
                $"{reason}; moved clusters return to {Short(rollout.FromRevision)}");
            return;
        }
        await SetPhaseAsync(rollout, RolloutPhases.Paused, RolloutEventTypes.Paused, RolloutActors.System, reason);
    }

    /// <summary>Every cluster this rollout moved goes back to the baseline (the revision before it).</summary>
    private async Task ReturnMovedClustersAsync(RolloutRecord rollout)
    {
        var moved = rollout.Waves.SelectMany(w => w.Clusters).Where(c => c.Phase is not (RolloutPhases.Pending or RolloutPhases.Skipped)).ToList();
        await App.PinTargetsAsync(new TargetPins(new Dictionary<string, string>(), moved.Select(c => c.Cluster).ToList(), ClearAll: false, Baseline: ""));
        foreach (var cluster in moved)
        {
            SetClusterPhase(cluster, RolloutPhases.RolledBack, $"back at {Short(rollout.FromRevision)}");
        }
    }

    private async Task FinishAsync(RolloutRecord rollout, string phase, string eventType, string actor, string reason)
    {
        await SetPhaseAsync(rollout, phase, eventType, actor, reason);
        rollout.FinishedUnixMs = Now;
        state.State.History.Add(rollout);
        if (state.State.History.Count > HistoryLimit)
        {
            state.State.History.RemoveAt(0);
        }
        // The finished rollout stays visible as the last one until the next starts.
        state.State.Current = null;
        Disarm();
        await state.WriteStateAsync();
    }

    private async Task SetPhaseAsync(RolloutRecord rollout, string phase, string eventType, string actor, string reason)
    {
        rollout.Phase = phase;
        rollout.PhaseSinceUnixMs = Now;
        rollout.Reason = reason;
        await RecordAsync(rollout, eventType, actor, reason);
    }

    private async Task RecordAsync(RolloutRecord rollout, string type, string actor, string reason)
    {
        rollout.Events.Add(new RolloutEventRecord(Now, type, actor, reason));
        LogRolloutEvent(Name, type, reason);
        try
        {
            await GrainFactory.Events().AppendAsync(type, $"rollout/{Name}", $"rollout of {Name} to {Short(rollout.ToRevision)}: {reason}", actor);
        }
        catch (Exception ex)
        {
            LogEventFailed(ex, Name);
        }
    }

    private static void SetWavePhase(RolloutWaveRecord wave, string phase)
    {
        if (wave.Phase != phase)
        {
            wave.Phase = phase;
            wave.PhaseSinceUnixMs = Now;
        }
    }

    private static bool SetClusterPhase(RolloutClusterRecord cluster, string phase, string message)
    {
        if (cluster.Phase == phase && cluster.Message == message)
        {
            return false;
        }
        if (cluster.Phase != phase)
        {
            cluster.PhaseSinceUnixMs = Now;
        }
        cluster.Phase = phase;
        cluster.Message = message;
        return true;
    }
}
