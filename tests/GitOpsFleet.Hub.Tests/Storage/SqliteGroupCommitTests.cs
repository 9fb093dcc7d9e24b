using GitOpsFleet.Hub.Storage;
using GitOpsFleet.Hub.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Tests.Storage;

/// <summary>
/// Group commit in <see cref="SqliteGrainStorage"/>. To put writes in one batch for sure, another connection holds
/// SQLite's write lock (as another process could): the writer takes a first write and waits for the lock, the next
/// writes queue up behind it, and releasing the lock lets them go as one transaction.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gitopsfleet-storage-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private string DatabasePath => Path.Combine(_directory, "hub.db");

    private SqliteGrainStorage NewStorage() => new(DatabasePath, _services.GetRequiredService<Serializer>());

    private static GrainId Grain(string name) => GrainId.Create("counter", name);

    private static GrainState<CounterState> Counter(int count) => new(new CounterState { Count = count });

    [Fact]
    public async Task WriteStateAsync_ThousandQueuedWrites_AllLandInBatchesOfAtMostTheCap()
    {
        await using var storage = NewStorage();
        var states = Enumerable.Range(0, 1000).Select(Counter).ToList();
        Task[] writes;
        using (var writeLock = await HoldWriteLockAsync(storage))
        {
            writes = states.Select((state, i) => Task.Run(() => storage.WriteStateAsync("counter", Grain($"many-{i}"), state))).ToArray();
            await WaitForQueuedAsync(storage, 1000);
        }
        await Task.WhenAll(writes).WaitAsync(Deadline);

        // The primer's batch, then 1,000 writes in batches of at most 256.
        Assert.Equal(1 + (1000 + SqliteWriteBatcher.MaxBatchWrites - 1) / SqliteWriteBatcher.MaxBatchWrites, storage.Writer.BatchCount);
        var reader = NewStorage();
        for (var i = 0; i < states.Count; i++)
        {
            var read = new GrainState<CounterState>();
            await reader.ReadStateAsync("counter", Grain($"many-{i}"), read);
            Assert.Equal(i, read.State!.Count);
            Assert.Equal(states[i].ETag, read.ETag);
        }
    }

    [Fact]
    public async Task WriteStateAsync_StaleETagInBatchWithGoodWrites_FailsAloneAndLeavesItsRow()
    {
        await using var storage = NewStorage();
        var stale = Counter(1);
        await storage.WriteStateAsync("counter", Grain("contested"), stale);
        var current = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", Grain("contested"), current);
        current.State!.Count = 2;
        await storage.WriteStateAsync("counter", Grain("contested"), current);
        var staleETag = stale.ETag;

        var good = Enumerable.Range(10, 3).Select(Counter).ToList();
        Task staleWrite;
        Task[] goodWrites;
        using (var writeLock = await HoldWriteLockAsync(storage))
        {
            goodWrites = [.. good.Take(2).Select(state => storage.WriteStateAsync("counter", Grain($"good-{state.State!.Count}"), state))];
            stale.State!.Count = 99;
            staleWrite = storage.WriteStateAsync("counter", Grain("contested"), stale);
            goodWrites = [.. goodWrites, storage.WriteStateAsync("counter", Grain($"good-{good[2].State!.Count}"), good[2])];
            await WaitForQueuedAsync(storage, 4);
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite.WaitAsync(Deadline));
        await Task.WhenAll(goodWrites).WaitAsync(Deadline);
        // Two setup writes, the primer, then the four writes together.
        Assert.Equal(4, storage.Writer.BatchCount);
        Assert.Equal(staleETag, stale.ETag);
        var reader = NewStorage();
        var contested = new GrainState<CounterState>();
        await reader.ReadStateAsync("counter", Grain("contested"), contested);
        Assert.Equal(2, contested.State!.Count);
        Assert.Equal(current.ETag, contested.ETag);
        foreach (var state in good)
        {
            var read = new GrainState<CounterState>();
            await reader.ReadStateAsync("counter", Grain($"good-{state.State!.Count}"), read);
            Assert.Equal(state.State!.Count, read.State!.Count);
            Assert.Equal(state.ETag, read.ETag);
        }
    }

    [Fact]
    public async Task WriteStateAsync_SameGrainTwiceInOneBatch_SecondSeesFirstETag()
    {
        await using var storage = NewStorage();
        var state = Counter(1);
        var other = Counter(7);
        Task first, second, otherFirst;
        using (var writeLock = await HoldWriteLockAsync(storage))
        {
            // A first write (no row yet), then an update of it, then a write by another activation that read nothing.
            first = storage.WriteStateAsync("counter", Grain("twice"), state);
            state.State!.Count = 2;
            second = storage.WriteStateAsync("counter", Grain("twice"), state);
            otherFirst = storage.WriteStateAsync("counter", Grain("twice"), other);
            await WaitForQueuedAsync(storage, 3);
        }

        await Task.WhenAll(first, second).WaitAsync(Deadline);
        await Assert.ThrowsAsync<InconsistentStateException>(() => otherFirst.WaitAsync(Deadline));
        Assert.Equal(2, storage.Writer.BatchCount);
        var read = new GrainState<CounterState>();
        await NewStorage().ReadStateAsync("counter", Grain("twice"), read);
        Assert.Equal(2, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Null(other.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_TransactionFails_EveryWriteOfTheBatchFailsAndStoreRecovers()
    {
        await using var storage = NewStorage();
        var kept = Counter(5);
        await storage.WriteStateAsync("counter", Grain("kept"), kept);
        var keptETag = kept.ETag;
        // A real failure inside SQLite: this trigger rolls back the whole transaction when the poisoned row is written.
        Execute("CREATE TRIGGER poison BEFORE INSERT ON grain_state WHEN NEW.grain_id LIKE '%poisoned%' BEGIN SELECT RAISE(ROLLBACK, 'poisoned row'); END");

        var good = Counter(1);
        var poisoned = Counter(2);
        var clear = Counter(0);
        Task[] writes;
        using (var writeLock = await HoldWriteLockAsync(storage))
        {
            kept.State!.Count = 6;
            writes =
            [
                storage.WriteStateAsync("counter", Grain("good"), good),
                storage.WriteStateAsync("counter", Grain("kept"), kept),
                storage.WriteStateAsync("counter", Grain("poisoned"), poisoned),
            ];
            await WaitForQueuedAsync(storage, 3);
        }

        foreach (var write in writes)
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => write.WaitAsync(Deadline));
            Assert.Contains("stored none of them", error.Message);
            Assert.Contains("poisoned row", error.Message);
        }
        Assert.Null(good.ETag);
        Assert.Equal(keptETag, kept.ETag);
        var reader = NewStorage();
        var readGood = new GrainState<CounterState>();
        await reader.ReadStateAsync("counter", Grain("good"), readGood);
        Assert.False(readGood.RecordExists);
        var readKept = new GrainState<CounterState>();
        await reader.ReadStateAsync("counter", Grain("kept"), readKept);
        Assert.Equal(5, readKept.State!.Count);

        Execute("DROP TRIGGER poison");
        await storage.WriteStateAsync("counter", Grain("good"), good).WaitAsync(Deadline);
        await storage.WriteStateAsync("counter", Grain("kept"), kept).WaitAsync(Deadline);
        await storage.ClearStateAsync("counter", Grain("never-written"), clear).WaitAsync(Deadline);
        await reader.ReadStateAsync("counter", Grain("kept"), readKept);
        Assert.Equal(6, readKept.State!.Count);
        await reader.ReadStateAsync("counter", Grain("good"), readGood);
        Assert.Equal(good.ETag, readGood.ETag);
    }

    [Fact]
    public async Task DisposeAsync_WritesQueued_CommitsThemAndRefusesLaterWrites()
    {
        var storage = NewStorage();
        var states = Enumerable.Range(0, 300).Select(Counter).ToList();
        // Queued on this thread before the dispose: the writer has at most started on the first of them.
        var writes = states.Select((state, i) => storage.WriteStateAsync("counter", Grain($"disposed-{i}"), state)).ToArray();

        await storage.DisposeAsync().AsTask().WaitAsync(Deadline);

        await Task.WhenAll(writes).WaitAsync(Deadline);
        var late = await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteStateAsync("counter", Grain("late"), Counter(1)));
        Assert.Contains("shut down", late.Message);
        var reader = NewStorage();
        for (var i = 0; i < states.Count; i++)
        {
            var read = new GrainState<CounterState>();
            await reader.ReadStateAsync("counter", Grain($"disposed-{i}"), read);
            Assert.Equal(states[i].ETag, read.ETag);
        }
    }

    [Fact]
    public async Task CloseAsync_CancelledWhileWritesQueued_FailsQueuedWritesWithoutHanging()
    {
        var storage = NewStorage();
        Task[] queued;
        using (var writeLock = await HoldWriteLockAsync(storage))
        {
            queued = [.. Enumerable.Range(0, 5).Select(i => storage.WriteStateAsync("counter", Grain($"abandoned-{i}"), Counter(i)))];
            await WaitForQueuedAsync(storage, 5);
            using var stopDeadline = new CancellationTokenSource();
            await stopDeadline.CancelAsync();
            await storage.CloseAsync(stopDeadline.Token).WaitAsync(Deadline);
            foreach (var write in queued)
            {
                var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => write.WaitAsync(Deadline));
                Assert.Contains("abandoned-", error.Message);
            }
        }
        // The transaction already running when the stop came still commits.
        await Eventually.UntilAsync(async () =>
        {
            var read = new GrainState<CounterState>();
            await NewStorage().ReadStateAsync("counter", Grain("primer"), read);
            return read.RecordExists;
        }, exists => exists, "the primer write committed");
    }

    /// <summary>
    /// Takes SQLite's write lock on another connection, then sends one write that the writer takes and waits on;
    /// what is written next queues behind it. Disposing releases the lock.
    /// </summary>
    private async Task<IDisposable> HoldWriteLockAsync(SqliteGrainStorage storage)
    {
        var holder = new WriteLockHolder(DatabasePath);
        var batches = storage.Writer.BatchCount;
        _ = storage.WriteStateAsync("counter", Grain("primer"), new GrainState<CounterState>(new CounterState()))
            .ContinueWith(_ => { }, TaskScheduler.Default);
        await Eventually.UntilAsync(() => Task.FromResult(storage.Writer.BatchCount), count => count == batches + 1, "the writer took the primer write");
        return holder;
    }

    private static Task WaitForQueuedAsync(SqliteGrainStorage storage, int count)
        => Eventually.UntilAsync(() => Task.FromResult(storage.Writer.QueuedCount), queued => queued == count, $"{count} queued writes");

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class WriteLockHolder : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        public WriteLockHolder(string databasePath)
        {
            _connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
            _connection.Open();
            _transaction = _connection.BeginTransaction(deferred: false);
        }

        public void Dispose()
        {
            _transaction.Rollback();
            _connection.Dispose();
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
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
