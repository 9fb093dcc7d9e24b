using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// Grain state in one SQLite file: one row per (state name, grain id) with an ETag, so a write
/// from a stale activation is refused with <see cref="InconsistentStateException"/> instead of losing an update.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;

    // One writer at a time, waited for without blocking a thread. SQLite lets one connection write at a
    // time; the others get SQLITE_BUSY, which Microsoft.Data.Sqlite retries by Thread.Sleep on the calling
    // thread. With a thousand cluster grains writing at once those sleeps held most of the thread pool
    // and were most of a 1,000-cluster fanout (docs/benchmarks.md, the hub profile).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

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

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = _serializer.SerializeToArray(grainState.State);
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            Write(stateName, grainId, grainState, data);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Write<T>(string stateName, GrainId grainId, IGrainState<T> grainState, byte[] data)
    {
        var newETag = Guid.NewGuid().ToString("N");
        using var connection = Open();
        using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            // A first write: refused when another activation already created the row.
            command.CommandText = """
                INSERT INTO grain_state (state_name, grain_id, etag, data, updated_unix_ms)
                VALUES ($name, $id, $etag, $data, $now) ON CONFLICT DO NOTHING
                """;
        }
        else
        {
            command.CommandText = """
                UPDATE grain_state SET etag = $etag, data = $data, updated_unix_ms = $now
                WHERE state_name = $name AND grain_id = $id AND etag = $expected
                """;
            command.Parameters.AddWithValue("$expected", grainState.ETag);
        }
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$etag", newETag);
        command.Parameters.AddWithValue("$data", data);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (command.ExecuteNonQuery() != 1)
        {
            throw Conflict("write", stateName, grainId, grainState.ETag, connection);
        }
        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            Clear(stateName, grainId, grainState);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Clear<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = grainState.ETag is null
            ? "SELECT COUNT(*) FROM grain_state WHERE state_name = $name AND grain_id = $id"
            : "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id AND etag = $expected";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        if (grainState.ETag is null)
        {
            // Nothing was read, so nothing may be deleted: fine only when no row exists.
            if (Convert.ToInt64(command.ExecuteScalar()) != 0)
            {
                throw Conflict("clear", stateName, grainId, null, connection);
            }
        }
        else
        {
            command.Parameters.AddWithValue("$expected", grainState.ETag);
            if (command.ExecuteNonQuery() != 1)
            {
                throw Conflict("clear", stateName, grainId, grainState.ETag, connection);
            }
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? expected, SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        var stored = command.ExecuteScalar() as string;
        return new InconsistentStateException(
            $"Grain state {stateName} of {grainId}: {operation} refused, the stored ETag {stored ?? "(none)"} differs from {expected ?? "(none)"}; another activation wrote it first",
            stored ?? "", expected ?? "");
    }
}
