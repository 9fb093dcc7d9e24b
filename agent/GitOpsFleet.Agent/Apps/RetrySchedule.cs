using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Apps;

/// <summary>The application's retry policy for failed syncs: default 5 tries, 5 s, factor 2, at most 3 min.</summary>
internal sealed record RetrySchedule(int Limit, TimeSpan Backoff, double Factor, TimeSpan MaxBackoff)
{
    public static readonly RetrySchedule Default = new(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(3));

    public static RetrySchedule From(RetryPolicy? policy) => policy is null || (policy.Limit == 0 && policy.BackoffSeconds == 0)
        ? Default
        : new RetrySchedule(
            policy.Limit,
            policy.BackoffSeconds > 0 ? TimeSpan.FromSeconds(policy.BackoffSeconds) : Default.Backoff,
            policy.Factor >= 1 ? policy.Factor : Default.Factor,
            policy.MaxBackoffSeconds > 0 ? TimeSpan.FromSeconds(policy.MaxBackoffSeconds) : Default.MaxBackoff);

    /// <summary>Delay before retry number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayFor(int attempt)
        => TimeSpan.FromTicks((long)Math.Min(MaxBackoff.Ticks, Backoff.Ticks * Math.Pow(Factor, Math.Max(0, attempt - 1))));
}
