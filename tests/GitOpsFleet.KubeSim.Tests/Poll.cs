namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}; last value: {last}");
            }
            await Task.Delay(50);
        }
    }
}
