namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// Group commit for one grain's state (used by <see cref="NameIndexGrain"/> and <see cref="EventLogGrain"/>): changes
/// made while a write is in flight go out together in the next write, instead of one full-state write each.
/// </summary>
/// <remarks>
/// Only for a reentrant grain, and only from its own turns. <paramref name="write"/> must take the queued changes
/// into the state synchronously (before its first await) and then write it: the state is never changed while a
/// write of it is in flight. A caller's <see cref="CommitAsync"/> completes once a write that carries its change
/// succeeded. When a write fails, every caller whose change it carried gets that error, and so does every later
/// caller of this activation: the state in memory holds changes that are not stored, so <paramref name="failed"/>
/// deactivates the grain (as the hub's storage wrapper, DeactivateOnWriteFailureStorage, does too) and its next
/// activation reads what is stored.
/// </remarks>
internal sealed class GroupCommit(Func<Task> write, Action failed)
{
    private TaskCompletionSource? _next;
    private bool _writing;
    private Exception? _failure;

    /// <summary>Completes when a write that started after this call (so carries every change queued so far) succeeded.</summary>
    public Task CommitAsync()
    {
        if (_failure is not null)
        {
            return Task.FromException(new InvalidOperationException(
                "an earlier write of this grain's state failed; the grain is being deactivated, retry the call", _failure));
        }
        // Continuations run on their own: a caller's code never runs inside the write loop.
        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = _next.Task;
        if (!_writing)
        {
            // Started from the grain's turn, so every continuation of the loop runs on the grain's scheduler.
            _ = WriteLoopAsync();
        }
        return committed;
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        while (_next is { } batch)
        {
            _next = null;
            try
            {
                await write();
            }
            catch (Exception ex)
            {
                _failure = ex;
                failed();
                batch.TrySetException(ex);
                // Changes queued behind the failed write sit on top of state that is not stored: fail them too.
                _next?.TrySetException(new InvalidOperationException(
                    "an earlier write of this grain's state failed; the grain is being deactivated, retry the call", ex));
                _next = null;
                _writing = false;
                return;
            }
            batch.TrySetResult();
        }
        _writing = false;
    }
}
