namespace GitOpsFleet.Hub.Grains;

// Observed state flowing up: per-target status from agents and the aggregate across targets.
internal sealed partial class ApplicationGrain
{
    /// <summary>Status reports within this window share one storage write (a thousand agents, one write).</summary>
    internal static readonly TimeSpan StatusFlushDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest the batched status write waits, however slow the last one was.</summary>
    internal static readonly TimeSpan MaxStatusFlushDelay = TimeSpan.FromSeconds(30);

    private bool _statusDirty;
    private IGrainTimer? _flushTimer;
    private TimeSpan _flushDelay = StatusFlushDelay;

    /// <summary>
    /// The wait before the next batched status write: at least <see cref="StatusFlushDelay"/>, and four times as
    /// long as the last write took (at most <see cref="MaxStatusFlushDelay"/>), so writing the whole state takes
    /// at most a fifth of the grain's time. Why: at 15,000 targets one write took seconds inside the grain's
    /// turn, one a second, and the agents' reports queued behind them (docs/benchmarks.md, fanout past 1,000).
    /// </summary>
    internal static TimeSpan NextStatusFlushDelay(TimeSpan lastWrite)
    {
        var delay = lastWrite * 4;
        return delay < StatusFlushDelay ? StatusFlushDelay : delay > MaxStatusFlushDelay ? MaxStatusFlushDelay : delay;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Exists || state.State.Targets.Count == 0)
        {
            return;
        }
        // Connection flags may be stale from before a hub restart: the cluster grains know the truth.
        var clusters = state.State.Targets.Keys.ToList();
        var infos = await Task.WhenAll(clusters.Select(c => GrainFactory.GetGrain<IClusterGrain>(c).GetAsync()));
        for (var i = 0; i < clusters.Count; i++)
        {
            state.State.Targets[clusters[i]].Connected = infos[i]?.Connected ?? false;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_statusDirty && state.State.Exists)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task OnTargetStatusAsync(string cluster, AgentAppStatus status)
    {
        WakeRollout();
        if (!state.State.Exists || !state.State.Targets.TryGetValue(cluster, out var target)
            || status.Generation < target.ObservedGeneration)
        {
            return;
        }
        target.ObservedGeneration = status.Generation;
        target.ObservedRevision = status.Revision;
        target.Sync = status.Sync;
        target.Health = status.Health;
        target.Phase = status.Phase;
        target.Message = status.Message;
        target.Connected = true;
        target.UpdatedUnixMs = Now;
        MergeResources(target, status);
        await AggregateAsync();
        ScheduleStatusWrite();
    }

    private void ScheduleStatusWrite()
    {
        _statusDirty = true;
        _flushTimer ??= this.RegisterGrainTimer(FlushStatusAsync,
            new GrainTimerCreationOptions(_flushDelay, Timeout.InfiniteTimeSpan));
    }

    private async Task FlushStatusAsync(CancellationToken cancellationToken)
    {
        _flushTimer?.Dispose();
        _flushTimer = null;
        if (_statusDirty && state.State.Exists)
        {
            _statusDirty = false;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await state.WriteStateAsync(cancellationToken);
            _flushDelay = NextStatusFlushDelay(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    public async Task OnTargetConnectionAsync(string cluster, bool connected)
    {
        if (!state.State.Exists || !state.State.Targets.TryGetValue(cluster, out var target) || target.Connected == connected)
        {
            return;
        }
        target.Connected = connected;
        target.UpdatedUnixMs = Now;
        await AggregateAsync();
        // Batched like status: one write per connect rewrote every target's rows, so a hub restart under
        // N agents wrote the whole application N times (docs/benchmarks.md, reconnect). The flags are
        // refreshed from the cluster grains on activation anyway.
        ScheduleStatusWrite();
    }

    private static void MergeResources(TargetEntry target, AgentAppStatus status)
    {
        if (status.Full)
        {
            target.Resources = status.Resources.ToList();
            return;
        }
        var rows = target.Resources.ToDictionary(r => r.Key);
        foreach (var removed in status.RemovedResources)
        {
            rows.Remove(removed);
        }
        foreach (var row in status.Resources)
        {
            rows[row.Key] = row;
        }
        target.Resources = rows.Values.ToList();
    }

    /// <summary>A target whose agent has not reported on the newest generation is not in sync yet.</summary>
    private static SyncState EffectiveSync(TargetEntry target) =>
        target.ObservedGeneration < target.Generation ? SyncState.OutOfSync : target.Sync;

    /// <summary>A disconnected cluster's health is unknown, never Healthy.</summary>
    private static HealthState EffectiveHealth(TargetEntry target) =>
        target.Connected ? target.Health : HealthState.Unknown;

    // Both aggregates run for every status report, so at 15,000 targets they must be one plain pass each: the
    // LINQ lists and sets they built per report were seconds of a fanout's grain time (docs/benchmarks.md).
    private static SyncState AggregateSync(IReadOnlyCollection<TargetEntry> targets)
    {
        if (targets.Count == 0)
        {
            return SyncState.Unknown;
        }
        var allSynced = true;
        foreach (var target in targets)
        {
            switch (EffectiveSync(target))
            {
                case SyncState.OutOfSync:
                    return SyncState.OutOfSync;
                case SyncState.Synced:
                    break;
                default:
                    allSynced = false;
                    break;
            }
        }
        return allSynced ? SyncState.Synced : SyncState.Unknown;
    }

    private static HealthState AggregateHealth(IReadOnlyCollection<TargetEntry> targets)
    {
        if (targets.Count == 0)
        {
            return HealthState.Unknown;
        }
        var seen = 0;
        foreach (var target in targets)
        {
            seen |= 1 << (int)EffectiveHealth(target);
        }
        // Worst first: one degraded target makes the application degraded.
        foreach (var worst in WorstFirst)
        {
            if ((seen & (1 << (int)worst)) != 0)
            {
                return worst;
            }
        }
        return HealthState.Healthy;
    }

    private static readonly HealthState[] WorstFirst =
        [HealthState.Degraded, HealthState.Missing, HealthState.Progressing, HealthState.Unknown, HealthState.Suspended];

    private async Task AggregateAsync()
    {
        var targets = state.State.Targets.Values;
        var sync = AggregateSync(targets);
        var health = AggregateHealth(targets);
        if (sync != state.State.LastSync)
        {
            state.State.LastSync = sync;
            if (sync == SyncState.Synced)
            {
                await AppendEventAsync(EventTypes.ApplicationSynced, $"application {Name} is Synced to {state.State.Commit} on {targets.Count} cluster(s)");
            }
            else if (sync == SyncState.OutOfSync)
            {
                await AppendEventAsync(EventTypes.ApplicationOutOfSync, $"application {Name} is OutOfSync");
            }
        }
        if (health != state.State.LastHealth)
        {
            state.State.LastHealth = health;
            if (health == HealthState.Degraded)
            {
                var degraded = state.State.Targets.Where(t => EffectiveHealth(t.Value) == HealthState.Degraded).Select(t => t.Key);
                await AppendEventAsync(EventTypes.ApplicationDegraded, $"application {Name} is Degraded on {string.Join(", ", degraded)}");
            }
            else if (health == HealthState.Healthy)
            {
                await AppendEventAsync(EventTypes.ApplicationHealthy, $"application {Name} is Healthy");
            }
        }
    }

    private ApplicationInfo ToInfo(bool includeResources)
    {
        var targets = state.State.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(pair => new TargetInfo(
            pair.Key,
            pair.Value.Generation,
            pair.Value.DesiredRevision,
            pair.Value.ObservedGeneration,
            pair.Value.ObservedRevision,
            EffectiveSync(pair.Value),
            EffectiveHealth(pair.Value),
            pair.Value.Phase,
            pair.Value.Message,
            pair.Value.Connected,
            includeResources ? pair.Value.Resources.ToList() : [],
            pair.Value.UpdatedUnixMs)).ToList();
        return new ApplicationInfo(
            Name,
            state.State.Spec!,
            state.State.Commit,
            state.State.Error,
            AggregateSync(state.State.Targets.Values),
            AggregateHealth(state.State.Targets.Values),
            targets,
            state.State.RenderedUnixMs,
            state.State.ResourceCount,
            state.State.CreatedUnixMs);
    }
}
