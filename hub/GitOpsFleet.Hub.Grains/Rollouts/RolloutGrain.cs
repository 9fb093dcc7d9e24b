using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// The rollouts of one application. The application grain tells it about new commits; it moves clusters
/// wave by wave through <see cref="IApplicationGrain.PinTargetsAsync"/> and gates each wave on the status
/// agents reported for the new generation. State is persisted on every step; the tick timer is re-armed
/// on activation, so a rollout survives a hub restart.
/// </summary>
internal sealed partial class RolloutGrain(
    [PersistentState("rollout")] IPersistentState<RolloutState> state,
    GitOpsFleet.Sources.IManifestRenderer renderer,
    ILogger<RolloutGrain> logger) : Grain, IRolloutGrain
{
    /// <summary>How often an active rollout looks at its clusters.</summary>
    internal static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>Finished rollouts kept per application.</summary>
    internal const int HistoryLimit = 50;

    private IGrainTimer? _timer;

    private string Name => this.GetPrimaryKeyString();

    private IApplicationGrain App => GrainFactory.GetGrain<IApplicationGrain>(Name);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmIfActive();
        return Task.CompletedTask;
    }

    public Task WakeAsync()
    {
        ArmIfActive();
        return Task.CompletedTask;
    }

    public Task<RolloutRecord?> GetAsync() =>
        Task.FromResult(state.State.Current ?? state.State.History.LastOrDefault());

    public Task<IReadOnlyList<RolloutRecord>> HistoryAsync()
    {
        var all = state.State.History.ToList();
        if (state.State.Current is not null)
        {
            all.Add(state.State.Current);
        }
        return Task.FromResult<IReadOnlyList<RolloutRecord>>(all);
    }

    public async Task<RolloutRecord> PauseAsync(string actor, string reason)
    {
        var rollout = RequireActive();
        if (rollout.Phase != RolloutPhases.Paused)
        {
            await SetPhaseAsync(rollout, RolloutPhases.Paused, RolloutEventTypes.Paused, actor, Or(reason, "paused by request"));
            await state.WriteStateAsync();
        }
        return rollout;
    }

    public async Task<RolloutRecord> ResumeAsync(string actor, string reason)
    {
        var rollout = RequireActive();
        if (rollout.Phase == RolloutPhases.Paused)
        {
            // Failed clusters get a fresh deadline: resuming means "try again", not "fail again at once".
            foreach (var cluster in rollout.Waves[rollout.CurrentWave].Clusters.Where(c => c.Phase == RolloutPhases.Failed))
            {
                SetClusterPhase(cluster, RolloutPhases.Progressing, "");
                cluster.MovedUnixMs = Now;
            }
            await SetPhaseAsync(rollout, RolloutPhases.Progressing, RolloutEventTypes.Resumed, actor, Or(reason, "resumed by request"));
            await state.WriteStateAsync();
        }
        ArmIfActive();
        return rollout;
    }

    public async Task<RolloutRecord> PromoteAsync(string actor, string reason)
    {
        var rollout = RequireActive();
        var wave = rollout.Waves[rollout.CurrentWave];
        if (rollout.Phase == RolloutPhases.WaitingApproval)
        {
            wave.Approved = true;
            await SetPhaseAsync(rollout, RolloutPhases.Progressing, RolloutEventTypes.Promoted, actor,
                Or(reason, $"wave {wave.Name} approved"));
        }
        else
        {
            await RecordAsync(rollout, RolloutEventTypes.Promoted, actor, Or(reason, $"wave {wave.Name} promoted past its gate"));
            rollout.Phase = RolloutPhases.Progressing;
            await PassWaveAsync(rollout, wave, actor, promoted: true);
        }
        await state.WriteStateAsync();
        ArmIfActive();
        return rollout;
    }

    public async Task<RolloutRecord> AbortAsync(string actor, string reason)
    {
        var rollout = RequireActive();
        await ReturnMovedClustersAsync(rollout);
        await FinishAsync(rollout, RolloutPhases.Aborted, RolloutEventTypes.Aborted, actor,
            Or(reason, $"aborted; moved clusters return to {Short(rollout.FromRevision)}"));
        return rollout;
    }

    public async Task<RolloutRecord> RollbackAsync(string revision, bool allAtOnce, string actor)
    {
        var app = await App.GetAsync(includeResources: false) ?? throw HubException.NotFound($"application {Name}");
        var resolved = await GrainFactory.GetGrain<IRepositoryGrain>(app.Spec.Repository).ResolveAsync(revision, fetch: false, Name);
        var commit = resolved.Commit ?? throw HubException.Invalid("to_revision",
            resolved.Error ?? $"revision {revision} does not resolve in repository {app.Spec.Repository}");
        if (state.State.Current is { } current && RolloutPhases.IsActive(current.Phase))
        {
            await FinishAsync(current, RolloutPhases.Superseded, RolloutEventTypes.Superseded, actor, $"superseded by a rollback to {Short(commit)}");
        }
        if (allAtOnce || !app.Spec.HasWaves)
        {
            var baseline = app.Targets.Select(t => t.DesiredRevision).FirstOrDefault() ?? "";
            var record = NewRollout(baseline, commit, actor, app.Spec.Rollout);
            state.State.Current = record;
            await RecordAsync(record, RolloutEventTypes.RolledBack, actor, $"rollback to {Short(commit)} on every cluster at once");
            await App.PinTargetsAsync(new TargetPins(new Dictionary<string, string>(), [], ClearAll: true, Baseline: commit));
            await FinishAsync(record, RolloutPhases.Succeeded, RolloutEventTypes.Succeeded, actor, $"every cluster moved to {Short(commit)}");
            return record;
        }
        var rollout = await StartAsync(app, commit, actor, $"rollback to {Short(commit)}");
        return rollout;
    }

    private RolloutRecord RequireActive()
    {
        if (state.State.Current is { } rollout && RolloutPhases.IsActive(rollout.Phase))
        {
            return rollout;
        }
        throw new HubException(HubErrorKind.FailedPrecondition, $"application {Name} has no rollout in progress");
    }

    private static string Or(string value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;

    internal static string Short(string commit) => commit.Length > 8 ? commit[..8] : commit;

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of {App}: {Type} ({Reason})")]
    private partial void LogRolloutEvent(string app, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout of {App}: a step failed; it is retried on the next tick")]
    private partial void LogTickFailed(Exception exception, string app);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a rollout event for application {App}")]
    private partial void LogEventFailed(Exception exception, string app);
}
