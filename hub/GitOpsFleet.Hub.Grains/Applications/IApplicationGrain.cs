namespace GitOpsFleet.Hub.Grains;

/// <summary>One application (key: application name): spec, rendering, targets and their status.</summary>
public interface IApplicationGrain : IGrainWithStringKey
{
    Task<ApplicationInfo> CreateAsync(ApplicationSpecModel spec, bool upsert);

    Task<ApplicationInfo?> GetAsync(bool includeResources);

    Task<bool> DeleteAsync(bool prune);

    /// <summary>Fetches, re-renders, pushes, and asks every target's agent to sync now.</summary>
    Task<ApplicationInfo> SyncAsync();

    /// <summary>
    /// For the rollout grain: pins clusters to commits, unpins others (back to the baseline), optionally
    /// clears every pin or sets a new baseline, pushes the result, and returns each target's generation.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> PinTargetsAsync(TargetPins pins);

    // Notifications from other grains are one-way so no call cycle can deadlock.
    [OneWay] Task OnCommitAsync(string revision, string commit);

    [OneWay] Task OnClusterChangedAsync(string cluster);

    [OneWay] Task OnTargetStatusAsync(string cluster, AgentAppStatus status);

    [OneWay] Task OnTargetConnectionAsync(string cluster, bool connected);
}
