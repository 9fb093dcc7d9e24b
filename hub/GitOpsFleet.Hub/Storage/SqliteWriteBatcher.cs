using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// Group commit for <see cref="SqliteGrainStorage"/>: writes and clears queue up, one writer takes everything queued
/// (up to <see cref="MaxBatchWrites"/> writes or <see cref="MaxBatchBytes"/>), runs it in one transaction and commits
/// once, then completes each caller. One fsync for the batch instead of one per grain: at fleet scale (a fanout to
/// 1,000 clusters, 1,000 agents reconnecting) thousands of grains write at once and used to wait in line for one
/// commit each.
/// </summary>
internal sealed class SqliteWriteBatcher(string databasePath, Func<SqliteConnection> open)
{
    /// <summary>Writes per transaction at most, so one huge batch does not hold every caller behind it.</summary>
    public const int MaxBatchWrites = 256;

    /// <summary>Bytes of state per transaction at most (a single larger write still goes, alone).</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Queue<SqliteWriteRequest> _queue = new();
    private Task _writer = Task.CompletedTask;
    private bool _writing;
    private bool _closed;
    private long _batches;

    /// <summary>Requests waiting for a transaction (not counting the one being committed).</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Transactions run so far, committed or not.</summary>
    internal long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Queues a request; its task completes once the transaction holding it committed (or failed).</summary>
    public Task EnqueueAsync(SqliteWriteRequest request)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return Task.FromException(Closed(request));
            }
            _queue.Enqueue(request);
            if (!_writing)
            {
                // The writer runs only while there is work, so an idle or never-disposed store holds no thread.
                // Task.Run: off the grain's scheduler, on the pool; it blocks one thread only while it commits.
                _writing = true;
                _writer = Task.Run(WriteQueued);
            }
        }
        return request.Completion;
    }

    /// <summary>
    /// Refuses new requests and commits those already queued. When <paramref name="cancellationToken"/> fires first,
    /// the requests still queued fail with <see cref="ObjectDisposedException"/>; the transaction in progress finishes.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        Task writer;
        lock (_lock)
        {
            _closed = true;
            writer = _writer;
        }
        try
        {
            await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            List<SqliteWriteRequest> abandoned;
            lock (_lock)
            {
                abandoned = [.. _queue];
                _queue.Clear();
            }
            foreach (var request in abandoned)
            {
                request.Fail(Closed(request));
            }
        }
    }

    private ObjectDisposedException Closed(SqliteWriteRequest request) => new(nameof(SqliteGrainStorage),
        $"Grain state {request.StateName} of {request.GrainId} was not written: the SQLite grain store {databasePath} is shut down");

    private void WriteQueued()
    {
        while (true)
        {
            var batch = new List<SqliteWriteRequest>();
            lock (_lock)
            {
                var bytes = 0L;
                while (_queue.TryPeek(out var next) && batch.Count < MaxBatchWrites
                    && (batch.Count == 0 || bytes + (next.Data?.Length ?? 0) <= MaxBatchBytes))
                {
                    batch.Add(_queue.Dequeue());
                    bytes += next.Data?.Length ?? 0;
                }
                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }
            Interlocked.Increment(ref _batches);
            try
            {
                Commit(batch);
            }
            catch (Exception ex)
            {
                // Commit completes every request itself; this only keeps the writer alive if that ever throws.
                batch.ForEach(request => request.Fail(ex));
            }
        }
    }

    private void Commit(List<SqliteWriteRequest> batch)
    {
        var conflicts = new InconsistentStateException?[batch.Count];
        var previousETags = new string?[batch.Count];
        var applied = 0;
        try
        {
            using var connection = open();
            // BEGIN IMMEDIATE: takes the write lock now (waiting out another writer up to the busy timeout).
            using var transaction = connection.BeginTransaction(deferred: false);
            using var statements = new SqliteBatchStatements(connection, transaction);
            for (; applied < batch.Count; applied++)
            {
                previousETags[applied] = batch[applied].ETag;
                conflicts[applied] = statements.Apply(batch[applied]);
            }
            transaction.Commit();
        }
        catch (Exception ex)
        {
            // Nothing of the batch is stored: every caller gets the transaction's error, and the grain states
            // get back the ETags they had, newest change undone first (one grain may be in the batch twice).
            for (var i = applied - 1; i >= 0; i--)
            {
                batch[i].SetETag(previousETags[i]);
            }
            var code = (ex as SqliteException)?.SqliteErrorCode ?? 0;
            var extendedCode = (ex as SqliteException)?.SqliteExtendedErrorCode ?? 0;
            batch.ForEach(request => request.Fail(new SqliteException(
                $"Grain state {request.StateName} of {request.GrainId} was not written: the transaction of {batch.Count} writes "
                + $"in the SQLite grain store {databasePath} failed and stored none of them ({ex.GetType().Name}: {ex.Message})",
                code, extendedCode)));
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (conflicts[i] is { } conflict)
            {
                batch[i].Fail(conflict);
            }
            else
            {
                batch[i].Committed();
                batch[i].Succeed();
            }
        }
    }
}
