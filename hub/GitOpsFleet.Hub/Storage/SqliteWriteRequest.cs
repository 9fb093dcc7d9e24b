using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// One write or clear waiting for the <see cref="SqliteWriteBatcher"/>: the row it concerns, the bytes to store
/// (none for a clear), and the caller's grain state, whose ETag is read when the statement runs so that two writes
/// of one grain in a batch behave as if they ran one after the other.
/// </summary>
internal abstract class SqliteWriteRequest(string stateName, GrainId grainId, byte[]? data)
{
    /// <summary>The caller's task; continuations run off the writer's thread.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string StateName => stateName;
    public string GrainId { get; } = grainId.ToString();

    /// <summary>The serialized state to store; null for a clear.</summary>
    public byte[]? Data => data;

    public Task Completion => _completion.Task;

    /// <summary>The grain state's ETag (null: the caller read no row).</summary>
    public abstract string? ETag { get; }

    /// <summary>Sets the grain state's ETag as the statement left the row; undone if the transaction fails.</summary>
    public abstract void SetETag(string? etag);

    /// <summary>After the commit: a clear also resets the in-memory state.</summary>
    public abstract void Committed();

    public void Succeed() => _completion.TrySetResult();

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A <see cref="SqliteWriteRequest"/> for a grain state of type <typeparamref name="T"/>.</summary>
internal sealed class SqliteWriteRequest<T>(string stateName, GrainId grainId, IGrainState<T> grainState, byte[]? data)
    : SqliteWriteRequest(stateName, grainId, data)
{
    public override string? ETag => grainState.ETag;

    public override void SetETag(string? etag)
    {
        grainState.ETag = etag;
        grainState.RecordExists = etag is not null;
    }

    public override void Committed()
    {
        if (Data is null)
        {
            grainState.State = Activator.CreateInstance<T>();
        }
    }
}
