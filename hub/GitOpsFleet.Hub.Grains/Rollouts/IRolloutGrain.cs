namespace GitOpsFleet.Hub.Grains;

/// <summary>The rollouts of one application (key: application name): waves, gates, pause and rollback.</summary>
public interface IRolloutGrain : IGrainWithStringKey
{
    /// <summary>The current rollout, or the last finished one; null when the application never had one.</summary>
    Task<RolloutRecord?> GetAsync();

    Task<IReadOnlyList<RolloutRecord>> HistoryAsync();

    Task<RolloutRecord> PauseAsync(string actor, string reason);

    Task<RolloutRecord> ResumeAsync(string actor, string reason);

    /// <summary>Skips the current gate: approves a waiting wave, or passes the current wave now.</summary>
    Task<RolloutRecord> PromoteAsync(string actor, string reason);

    /// <summary>Stops the rollout and sends every moved cluster back to the previous revision.</summary>
    Task<RolloutRecord> AbortAsync(string actor, string reason);

    /// <summary>Starts a rollout back to <paramref name="revision"/>, or moves every cluster at once.</summary>
    Task<RolloutRecord> RollbackAsync(string revision, bool allAtOnce, string actor);

    /// <summary>Which clusters go in which wave for <paramref name="revision"/> (empty: the newest commit).</summary>
    Task<RolloutPlanInfo> PlanAsync(string revision);

    // From the application grain: one-way so no call cycle can deadlock.
    [OneWay] Task OnNewCommitAsync(string commit, string baseline);

    /// <summary>Activates the grain so a persisted rollout re-arms its timer (after a hub restart).</summary>
    [OneWay] Task WakeAsync();
}
