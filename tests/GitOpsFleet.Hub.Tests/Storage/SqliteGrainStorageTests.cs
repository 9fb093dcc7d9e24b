using GitOpsFleet.Hub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Tests.Storage;

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public string Note { get; set; } = "";
}

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gitopsfleet-storage-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly GrainId _grain = GrainId.Create("counter", Guid.NewGuid().ToString("N"));

    private SqliteGrainStorage NewStorage() =>
        new(Path.Combine(_directory, "hub.db"), _services.GetRequiredService<Serializer>());

    [Fact]
    public async Task ReadStateAsync_Missing_ReturnsDefaultWithoutETag()
    {
        var state = new GrainState<CounterState>();
        await NewStorage().ReadStateAsync("counter", _grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_ThenRead_RoundTripsStateAndETag()
    {
        var storage = NewStorage();
        var written = new GrainState<CounterState>(new CounterState { Count = 7, Note = "seven" });
        await storage.WriteStateAsync("counter", _grain, written);

        var read = new GrainState<CounterState>();
        await NewStorage().ReadStateAsync("counter", _grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Count);
        Assert.Equal("seven", read.State!.Note);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentState()
    {
        var storage = NewStorage();
        var first = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync("counter", _grain, first);
        var second = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", _grain, second);

        second.State!.Count = 2;
        await storage.WriteStateAsync("counter", _grain, second);
        first.State!.Count = 99;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", _grain, first));
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", _grain, read);
        Assert.Equal(2, read.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_NoETagButRowExists_ThrowsInconsistentState()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("counter", _grain, new GrainState<CounterState>(new CounterState { Count = 1 }));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("counter", _grain, new GrainState<CounterState>(new CounterState { Count = 5 })));
    }

    [Fact]
    public async Task ClearStateAsync_CurrentETag_RemovesRecord()
    {
        var storage = NewStorage();
        var state = new GrainState<CounterState>(new CounterState { Count = 3 });
        await storage.WriteStateAsync("counter", _grain, state);
        await storage.ClearStateAsync("counter", _grain, state);
        Assert.Null(state.ETag);

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", _grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Count);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsAndKeepsRecord()
    {
        var storage = NewStorage();
        var stale = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync("counter", _grain, stale);
        var current = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", _grain, current);
        await storage.WriteStateAsync("counter", _grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", _grain, stale));
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", _grain, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_SameGrainDifferentStateNames_AreIndependent()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("a", _grain, new GrainState<CounterState>(new CounterState { Count = 1 }));
        await storage.WriteStateAsync("b", _grain, new GrainState<CounterState>(new CounterState { Count = 2 }));
        var a = new GrainState<CounterState>();
        await storage.ReadStateAsync("a", _grain, a);
        Assert.Equal(1, a.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_ManyGrainsAtOnce_EveryWriteLands()
    {
        // What a fanout does: hundreds of grains writing at the same moment into one file.
        var storage = NewStorage();
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("counter", $"many-{i}")).ToList();
        var states = grains.Select((_, i) => new GrainState<CounterState>(new CounterState { Count = i })).ToList();
        await Task.WhenAll(grains.Select((grain, i) => Task.Run(() => storage.WriteStateAsync("counter", grain, states[i]))));
        for (var i = 0; i < grains.Count; i++)
        {
            var read = new GrainState<CounterState>();
            await NewStorage().ReadStateAsync("counter", grains[i], read);
            Assert.Equal(i, read.State!.Count);
            Assert.Equal(states[i].ETag, read.ETag);
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
