using GitOpsFleet.Agent.Hub;

namespace GitOpsFleet.Agent.Tests;

/// <summary>
/// Issue 8, fault 8: after a hub restart many agents' reconnects spread over time instead of one second.
/// Each agent's schedule is played on a clock (no sleeping): its stream breaks at 0, it retries after
/// <see cref="Backoff.Next"/> each time, and the first try at or after the hub is back connects.
/// </summary>
public sealed class BackoffSpreadTests
{
    private const int Agents = 200;

    // The agent's defaults (AgentOptions.ReconnectBase / ReconnectCap).
    private static readonly TimeSpan Base = new AgentOptions().ReconnectBase;
    private static readonly TimeSpan Cap = new AgentOptions().ReconnectCap;

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(30)]
    public void Next_AgentsAfterHubRestart_ReconnectsSpreadOverManySeconds(int hubDownSeconds)
    {
        var random = new Random(20261126);
        var down = TimeSpan.FromSeconds(hubDownSeconds);
        var connectedAt = Enumerable.Range(0, Agents).Select(_ => FirstTryAfter(new Backoff(Base, Cap, random), down)).ToList();

        var perSecond = connectedAt.GroupBy(t => (int)(t - down).TotalSeconds).Select(g => g.Count()).ToList();
        var busiest = perSecond.Max();
        var spread = connectedAt.Max() - connectedAt.Min();
        // Without jitter every agent would arrive in the same second (200 of 200).
        Assert.True(busiest <= Agents / 4, $"hub down {hubDownSeconds} s: busiest second after it came back had {busiest} of {Agents} agents");
        Assert.True(perSecond.Count >= 5, $"hub down {hubDownSeconds} s: reconnects fell into only {perSecond.Count} distinct second(s)");
        Assert.True(spread >= TimeSpan.FromSeconds(5), $"hub down {hubDownSeconds} s: reconnects spread over only {spread.TotalSeconds:0.0} s");
        // And nobody waits longer than the cap past the hub's return.
        Assert.All(connectedAt, t => Assert.InRange(t, down, down + Cap));
    }

    [Fact]
    public void Next_SameSeedSameSchedule_Deterministic()
    {
        var first = Schedule(new Backoff(Base, Cap, new Random(3)));
        var second = Schedule(new Backoff(Base, Cap, new Random(3)));
        Assert.Equal(first, second);
        Assert.NotEqual(first, Schedule(new Backoff(Base, Cap, new Random(4))));

        static List<TimeSpan> Schedule(Backoff backoff) => Enumerable.Range(0, 8).Select(_ => backoff.Next()).ToList();
    }

    /// <summary>The time of the agent's first reconnect try at or after <paramref name="hubBack"/>.</summary>
    private static TimeSpan FirstTryAfter(Backoff backoff, TimeSpan hubBack)
    {
        var now = TimeSpan.Zero;
        do
        {
            now += backoff.Next();
        }
        while (now < hubBack);
        return now;
    }
}
