using GitOpsFleet.Sources;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

internal sealed partial class ApplicationGrain(
    [PersistentState("application")] IPersistentState<ApplicationState> state,
    IManifestRenderer renderer,
    IBundleCompressor compressor,
    ILogger<ApplicationGrain> logger) : Grain, IApplicationGrain
{
    private string Name => this.GetPrimaryKeyString();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task<ApplicationInfo> CreateAsync(ApplicationSpecModel spec, bool upsert)
    {
        if (state.State.Exists && !upsert)
        {
            throw new HubException(HubErrorKind.AlreadyExists, $"application {Name} already exists (use upsert to replace it)");
        }
        var previousRepository = state.State.Spec?.Repository;
        if (!state.State.Exists)
        {
            state.State = new ApplicationState { Exists = true, CreatedUnixMs = Now };
        }
        state.State.Spec = spec;
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Applications).SetAsync(Name, new Dictionary<string, string>());
        if (previousRepository is not null && previousRepository != spec.Repository)
        {
            await GrainFactory.GetGrain<IRepositoryGrain>(previousRepository).UnsubscribeAsync(Name);
        }
        await ReconcileAsync(fetch: true, commit: null, onlyCluster: null);
        return ToInfo(includeResources: false);
    }

    public Task<ApplicationInfo?> GetAsync(bool includeResources) =>
        Task.FromResult(state.State.Exists ? ToInfo(includeResources) : null);

    public async Task<bool> DeleteAsync(bool prune)
    {
        if (!state.State.Exists || state.State.Spec is null)
        {
            return false;
        }
        foreach (var cluster in state.State.Targets.Keys)
        {
            await GrainFactory.GetGrain<IClusterGrain>(cluster).RemoveApplicationAsync(Name, prune);
        }
        await GrainFactory.GetGrain<IRepositoryGrain>(state.State.Spec.Repository).UnsubscribeAsync(Name);
        await GrainFactory.Index(IndexKeys.Applications).RemoveAsync(Name);
        await state.ClearStateAsync();
        state.State = new ApplicationState();
        return true;
    }

    public async Task<ApplicationInfo> SyncAsync()
    {
        EnsureExists();
        await ReconcileAsync(fetch: true, commit: null, onlyCluster: null);
        var requestId = Guid.NewGuid().ToString("N");
        // Told concurrently: one cluster at a time added seconds at a thousand clusters.
        await Task.WhenAll(state.State.Targets.Keys.ToList().Select(cluster =>
            GrainFactory.GetGrain<IClusterGrain>(cluster).SendCommandAsync(Name, AgentCommandKind.Sync, requestId)));
        return ToInfo(includeResources: false);
    }

    public async Task OnCommitAsync(string revision, string commit)
    {
        if (!state.State.Exists || state.State.Spec is null || state.State.Spec.Revision != revision)
        {
            return;
        }
        if (commit == state.State.Commit && state.State.Error.Length == 0)
        {
            return;
        }
        await ReconcileAsync(fetch: false, commit, onlyCluster: null);
    }

    public async Task OnClusterChangedAsync(string cluster)
    {
        if (!state.State.Exists)
        {
            return;
        }
        await ReconcileAsync(fetch: false, commit: null, onlyCluster: cluster);
    }

    private void EnsureExists()
    {
        if (!state.State.Exists)
        {
            throw HubException.NotFound($"application {Name}");
        }
    }

    private async Task AppendEventAsync(string type, string message)
    {
        try
        {
            await GrainFactory.Events().AppendAsync(type, $"application/{Name}", message, "hub");
        }
        catch (Exception ex)
        {
            LogEventFailed(ex, Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {App}: {Error}. Clusters keep their last good bundle; fix the source and push, or run `fleet app sync {App}`")]
    private partial void LogSourceError(string app, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App}: rendered {Commit} for {Count} cluster(s)")]
    private partial void LogRendered(string app, string commit, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record an event for application {App}")]
    private partial void LogEventFailed(Exception exception, string app);

    [LoggerMessage(Level = LogLevel.Error, Message = "Application {App}: reconcile failed unexpectedly; the application keeps its last state")]
    private partial void LogReconcileFailed(Exception exception, string app);
}
