using Orleans.Runtime;
using Orleans.Storage;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// What every hub grain store must do, run against SQLite and Redis alike: missing reads give defaults,
/// writes round-trip with an ETag, a stale ETag (a second activation racing) is refused, clear removes.
/// </summary>
public abstract class GrainStorageContractTests
{
    private readonly GrainId _grain = GrainId.Create("counter", Guid.NewGuid().ToString("N"));

    protected abstract IGrainStorage Storage { get; }

    [Fact]
    public async Task ReadStateAsync_Missing_ReturnsDefaultWithoutRecord()
    {
        var state = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, state);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_ThenRead_RoundTripsStateAndETag()
    {
        var written = new GrainState<CounterState>(new CounterState { Count = 7, Note = "seven" });
        await Storage.WriteStateAsync("counter", _grain, written);
        Assert.NotNull(written.ETag);

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Count);
        Assert.Equal("seven", read.State!.Note);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateAndKeepsNewer()
    {
        var first = new GrainState<CounterState>(new CounterState { Count = 1 });
        await Storage.WriteStateAsync("counter", _grain, first);
        var second = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, second);
        second.State!.Count = 2;
        await Storage.WriteStateAsync("counter", _grain, second);

        first.State!.Count = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("counter", _grain, first));
        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, read);
        Assert.Equal(2, read.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_TwoActivationsRacing_ExactlyOneWinsAndItsStateIsStored()
    {
        await Storage.WriteStateAsync("counter", _grain, new GrainState<CounterState>(new CounterState { Count = 1 }));
        // Two activations of one grain (e.g. on two silos during a membership change) read the same ETag
        // and write at the same moment, several times over so the race is real rather than sequential.
        for (var round = 0; round < 20; round++)
        {
            var left = new GrainState<CounterState>();
            var right = new GrainState<CounterState>();
            await Storage.ReadStateAsync("counter", _grain, left);
            await Storage.ReadStateAsync("counter", _grain, right);
            left.State!.Note = $"left-{round}";
            right.State!.Note = $"right-{round}";
            using var start = new SemaphoreSlim(0, 2);
            var writes = new[] { left, right }.Select(state => Task.Run(async () =>
            {
                await start.WaitAsync();
                await Storage.WriteStateAsync("counter", _grain, state);
                return state.State!.Note;
            })).ToList();
            start.Release(2);
            var outcomes = await Task.WhenAll(writes.Select(async write =>
            {
                try
                {
                    return await write;
                }
                catch (InconsistentStateException)
                {
                    return null;
                }
            }));

            var winner = Assert.Single(outcomes, o => o is not null);
            var read = new GrainState<CounterState>();
            await Storage.ReadStateAsync("counter", _grain, read);
            Assert.Equal(winner, read.State!.Note);
        }
    }

    [Fact]
    public async Task WriteStateAsync_NoETagButRecordExists_ThrowsInconsistentState()
    {
        await Storage.WriteStateAsync("counter", _grain, new GrainState<CounterState>(new CounterState { Count = 1 }));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteStateAsync("counter", _grain, new GrainState<CounterState>(new CounterState { Count = 5 })));
    }

    [Fact]
    public async Task ClearStateAsync_CurrentETag_RemovesRecord()
    {
        var state = new GrainState<CounterState>(new CounterState { Count = 3 });
        await Storage.WriteStateAsync("counter", _grain, state);
        await Storage.ClearStateAsync("counter", _grain, state);

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Count);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsAndKeepsRecord()
    {
        var stale = new GrainState<CounterState>(new CounterState { Count = 1 });
        await Storage.WriteStateAsync("counter", _grain, stale);
        var current = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, current);
        current.State!.Count = 2;
        await Storage.WriteStateAsync("counter", _grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync("counter", _grain, stale));
        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync("counter", _grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(2, read.State!.Count);
    }
}
