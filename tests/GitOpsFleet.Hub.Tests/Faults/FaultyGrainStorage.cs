using Orleans.Storage;

namespace GitOpsFleet.Hub.Tests.Faults;

/// <summary>A grain store that fails the next writes of one state name on demand (a full disk, a Redis that went away).</summary>
internal sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private int _failures;
    private string _stateName = "";

    /// <summary>The next <paramref name="count"/> writes or clears of <paramref name="stateName"/> throw IOException.</summary>
    public void FailNextWrites(string stateName, int count = 1)
    {
        _stateName = stateName;
        Volatile.Write(ref _failures, count);
    }

    public int Failed { get; private set; }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ShouldFail(stateName, grainId) ?? inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ShouldFail(stateName, grainId) ?? inner.ClearStateAsync(stateName, grainId, grainState);

    private Task? ShouldFail(string stateName, GrainId grainId)
    {
        if (stateName != _stateName || Interlocked.Decrement(ref _failures) < 0)
        {
            return null;
        }
        Failed++;
        return Task.FromException(new IOException($"injected: the store refused the write of {stateName} for {grainId}"));
    }
}
