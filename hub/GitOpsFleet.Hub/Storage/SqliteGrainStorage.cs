using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// Grain state in one SQLite file: one row per (state name, grain id) with an ETag, so a write
/// from a stale activation is refused with <see cref="InconsistentStateException"/> instead of losing an update.
/// Writes and clears are committed in groups, one transaction for all that are waiting; each returns once its row
/// is committed.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;

    // One writer, committing whatever is queued in one transaction (group commit, see SqliteWriteBatcher). SQLite lets
    // one connection write at a time; the others get SQLITE_BUSY, which Microsoft.Data.Sqlite retries by Thread.Sleep
    // on the calling thread. With a thousand cluster grains writing at once those sleeps held most of the thread pool
    // and were most of a 1,000-cluster fanout (docs/benchmarks.md, the hub profile).
    private readonly SqliteWriteBatcher _writer;

    /// <summary>The group-commit writer (tests watch its queue and batches).</summary>
    internal SqliteWriteBatcher Writer => _writer;

    public SqliteGrainStorage(string databasePath, Serializer serializer)
    {
        _serializer = serializer;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteWriteBatcher(databasePath, Open);
        using var connection = Open();
        using var command = connection.CreateCommand();
        // WAL: readers do not block the writer; the table is created on first use of a data dir.
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name TEXT NOT NULL,
                grain_id TEXT NOT NULL,
                etag TEXT NOT NULL,
                data BLOB NOT NULL,
                updated_unix_ms INTEGER NOT NULL,
                PRIMARY KEY (state_name, grain_id));
            """;
        command.ExecuteNonQuery();
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, data FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
        grainState.ETag = reader.GetString(0);
        grainState.State = _serializer.Deserialize<T>((byte[])reader.GetValue(1));
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Serialized now, on the caller's turn: the state is what it was when the grain asked to write it.
        var data = _serializer.SerializeToArray(grainState.State);
        return _writer.EnqueueAsync(new SqliteWriteRequest<T>(stateName, grainId, grainState, data));
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => _writer.EnqueueAsync(new SqliteWriteRequest<T>(stateName, grainId, grainState, data: null));

    /// <summary>Stops with the silo, after the grains deactivated (and wrote their state): queued writes are committed first.</summary>
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SqliteGrainStorage), ServiceLifecycleStage.RuntimeStorageServices, _ => Task.CompletedTask, CloseAsync);

    /// <summary>
    /// Refuses new writes and commits the queued ones; when <paramref name="cancellationToken"/> fires first, those
    /// still queued fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task CloseAsync(CancellationToken cancellationToken) => _writer.CloseAsync(cancellationToken);

    public ValueTask DisposeAsync() => new(CloseAsync(CancellationToken.None));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
