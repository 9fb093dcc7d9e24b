namespace GitOpsFleet.Agent.Hub;

/// <summary>
/// Exponential backoff with full jitter: sleep uniform in [0, min(cap, base * 2^attempt)). Why full jitter:
/// after a hub restart a thousand agents spread over the whole window instead of arriving together.
/// </summary>
public sealed class Backoff(TimeSpan baseDelay, TimeSpan cap, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _attempt;

    public int Attempt => _attempt;

    /// <summary>The current window's upper bound (before jitter).</summary>
    public TimeSpan CurrentCap => TimeSpan.FromTicks((long)Math.Min(cap.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(_attempt, 30))));

    /// <summary>The next sleep; widens the window for the attempt after.</summary>
    public TimeSpan Next()
    {
        var window = CurrentCap;
        _attempt++;
        return TimeSpan.FromTicks((long)(_random.NextDouble() * window.Ticks));
    }

    public void Reset() => _attempt = 0;
}
