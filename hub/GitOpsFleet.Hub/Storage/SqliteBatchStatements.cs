using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// The ETag-checked statements of one <see cref="SqliteWriteBatcher"/> transaction, each prepared once per batch.
/// A stale ETag changes no row and becomes that request's <see cref="InconsistentStateException"/>; the others go on.
/// </summary>
internal sealed class SqliteBatchStatements(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    // A first write: refused when another activation already created the row.
    private readonly SqliteCommand _insert = Command(connection, transaction, """
        INSERT INTO grain_state (state_name, grain_id, etag, data, updated_unix_ms)
        VALUES ($name, $id, $etag, $data, $now) ON CONFLICT DO NOTHING
        """, "$etag", "$data", "$now");

    private readonly SqliteCommand _update = Command(connection, transaction, """
        UPDATE grain_state SET etag = $etag, data = $data, updated_unix_ms = $now
        WHERE state_name = $name AND grain_id = $id AND etag = $expected
        """, "$etag", "$data", "$now", "$expected");

    private readonly SqliteCommand _delete = Command(connection, transaction,
        "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id AND etag = $expected", "$expected");

    private readonly SqliteCommand _storedETag = Command(connection, transaction,
        "SELECT etag FROM grain_state WHERE state_name = $name AND grain_id = $id");

    /// <summary>Runs one request's statement; null when it applied (the grain state then has the row's new ETag).</summary>
    public InconsistentStateException? Apply(SqliteWriteRequest request)
    {
        var expected = request.ETag;
        if (request.Data is null)
        {
            return Clear(request, expected);
        }
        var newETag = Guid.NewGuid().ToString("N");
        var command = expected is null ? _insert : _update;
        Bind(command, request);
        command.Parameters["$etag"].Value = newETag;
        command.Parameters["$data"].Value = request.Data;
        command.Parameters["$now"].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (expected is not null)
        {
            command.Parameters["$expected"].Value = expected;
        }
        if (command.ExecuteNonQuery() != 1)
        {
            return Conflict("write", request, expected);
        }
        request.SetETag(newETag);
        return null;
    }

    private InconsistentStateException? Clear(SqliteWriteRequest request, string? expected)
    {
        if (expected is null)
        {
            // Nothing was read, so nothing may be deleted: fine only when no row exists.
            return StoredETag(request) is null ? null : Conflict("clear", request, null);
        }
        Bind(_delete, request);
        _delete.Parameters["$expected"].Value = expected;
        if (_delete.ExecuteNonQuery() != 1)
        {
            return Conflict("clear", request, expected);
        }
        request.SetETag(null);
        return null;
    }

    private string? StoredETag(SqliteWriteRequest request)
    {
        Bind(_storedETag, request);
        return _storedETag.ExecuteScalar() as string;
    }

    private InconsistentStateException Conflict(string operation, SqliteWriteRequest request, string? expected)
    {
        var stored = StoredETag(request);
        return new InconsistentStateException(
            $"Grain state {request.StateName} of {request.GrainId}: {operation} refused, the stored ETag {stored ?? "(none)"} differs from {expected ?? "(none)"}; another activation wrote it first",
            stored ?? "", expected ?? "");
    }

    public void Dispose()
    {
        _insert.Dispose();
        _update.Dispose();
        _delete.Dispose();
        _storedETag.Dispose();
    }

    private static void Bind(SqliteCommand command, SqliteWriteRequest request)
    {
        command.Parameters["$name"].Value = request.StateName;
        command.Parameters["$id"].Value = request.GrainId;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters.Prepend("$id").Prepend("$name"))
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
