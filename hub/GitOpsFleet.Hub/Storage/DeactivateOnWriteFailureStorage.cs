using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// Wraps the hub's grain store: when writing or clearing a grain's state fails, the grain's activation is
/// deactivated, so its next call reads the stored state again. Why: Orleans keeps the grain's in-memory state
/// as the failed call changed it, and our grains change state before they write it; without this a caller
/// told "failed" would see the change on the next read anyway (and it would vanish on the next restart).
/// </summary>
internal sealed partial class DeactivateOnWriteFailureStorage(IGrainStorage inner, IGrainContextAccessor grains, ILogger<DeactivateOnWriteFailureStorage> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The store this one wraps.</summary>
    internal IGrainStorage Inner => inner;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => DeactivateOnFailureAsync(inner.WriteStateAsync(stateName, grainId, grainState), stateName, grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => DeactivateOnFailureAsync(inner.ClearStateAsync(stateName, grainId, grainState), stateName, grainId);

    /// <summary>Lets a store that takes part in the silo's start (Orleans' Redis store connects there) still do so.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task DeactivateOnFailureAsync(Task operation, string stateName, GrainId grainId)
    {
        // Taken before the first await: the grain's context is current only on its own turn.
        var grain = grains.GrainContext;
        try
        {
            await operation;
        }
        catch (Exception ex)
        {
            LogWriteFailed(ex, stateName, grainId.ToString());
            // Deactivation waits for the running call to finish, so the caller still gets this error. No exception in
            // the reason: with one, Orleans rejects the calls queued behind this one instead of sending them to a new activation.
            grain?.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested,
                $"writing state '{stateName}' failed ({ex.GetType().Name}); the next call re-reads the stored state"));
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing state {State} of grain {Grain} failed; the grain is deactivated and its next call re-reads the stored state. Check the hub's store (SQLite file in --data-dir, or --redis)")]
    private partial void LogWriteFailed(Exception exception, string state, string grain);
}
