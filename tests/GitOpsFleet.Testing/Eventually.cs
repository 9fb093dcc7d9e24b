namespace GitOpsFleet.Testing;

/// <summary>
/// Polls a condition until it holds or a deadline passes, so tests never sleep a fixed time. A probe that throws
/// is tried again (a hub or silo still starting may refuse a call for a moment); the timeout names what was
/// awaited, the last value and the last error.
/// </summary>
public static class Eventually
{
    /// <summary>The first value of <paramref name="probe"/> for which <paramref name="done"/> holds (probed every 50 ms).</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        PollAsync(probe, done, timeout, TimeSpan.FromMilliseconds(50), what, cancellationToken);

    private static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, TimeSpan period, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = default;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                lastError = e;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}"
                    + (lastError is null ? "" : $"; last error: {lastError.GetType().Name}: {lastError.Message}"), lastError);
            }
            await Task.Delay(period, cancellationToken);
        }
    }

    /// <summary>As above with the deadline last (20 s when not given).</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        UntilAsync(probe, done, timeout ?? TimeSpan.FromSeconds(20), what);

    /// <summary>Until <paramref name="condition"/> is true.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, ok => ok, timeout, what);

    /// <summary>Until <paramref name="condition"/> is true, within 60 s, probed every 200 ms (silo fail-overs take tens of seconds).</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken) =>
        PollAsync(condition, ok => ok, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), what, cancellationToken);
}
