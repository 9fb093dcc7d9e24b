using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// Issue 8, fault 1: the silo with every agent (and the one that took the API calls, so the rollout's grains
/// started there) is SIGKILLed in the middle of a three-wave rollout; the rollout finishes on the other silo.
/// </summary>
[Collection(HubProcessesCollection.Name)]
public sealed class SiloFailoverRolloutTests : IClassFixture<RedisServer>
{
    private static readonly Dictionary<string, string> Waves = new() { ["r1"] = "1", ["r2"] = "2", ["r3"] = "3" };
    private readonly RedisServer _redis;

    public SiloFailoverRolloutTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task KillSilo_MidRollout_RolloutCompletesOnOtherSiloWithHistoryIntact()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await using var bed = await RedisFleetBed.StartAsync(_redis.Endpoint, silos: 2, Waves, ct);
        var fleetA = bed.Fleet(0);
        var fleetB = bed.Fleet(1);
        var v1 = bed.Git.CommitVersion("v1");
        await bed.CreateApplicationAsync(fleetA, Strategy(), ct);
        await bed.WaitForAllAtAsync(fleetA, v1, "v1", ct);

        var v2 = bed.Git.CommitVersion("v2");
        // Mid-rollout: v2 is moving and at least one wave is still to go.
        var before = await WaitForRolloutAsync(fleetA, bed, r => r.ToRevision == v2 && r.Phase == "Progressing"
            && r.Waves.Any(w => w.Phase != "Passed"), "the v2 rollout under way", ct);
        bed.Silos[0].Kill();

        var done = await WaitForRolloutAsync(fleetB, bed, r => r.ToRevision == v2 && r.Phase != "Progressing",
            "the v2 rollout to finish on silo B", ct);
        Assert.Equal("Succeeded", done.Phase);
        Assert.Equal(before.Id, done.Id);
        Assert.All(done.Waves, w => Assert.Equal("Passed", w.Phase));
        await bed.WaitForAllAtAsync(fleetB, v2, "v2", ct);

        // Its record is whole: every wave started and passed once in order, it succeeded once, nothing went back in time.
        var types = done.Events.Select(e => e.Type).ToList();
        foreach (var wave in done.Waves)
        {
            Assert.Single(done.Events, e => e.Type == "RolloutWavePassed" && e.Reason.StartsWith($"wave {wave.Name} ", StringComparison.Ordinal));
            Assert.Contains(done.Events, e => e.Type == "RolloutWaveStarted" && e.Reason.Contains(wave.Name, StringComparison.Ordinal));
        }
        Assert.Single(types, t => t == "RolloutSucceeded");
        Assert.Equal("RolloutSucceeded", types[^1]);
        Assert.Equal(done.Events.Select(e => e.UnixMs).Order(), done.Events.Select(e => e.UnixMs));
        // The events seen before the kill are still there, unchanged, at the front.
        Assert.Equal(before.Events.Select(e => (e.Type, e.UnixMs)), done.Events.Take(before.Events.Count).Select(e => (e.Type, e.UnixMs)));
        var history = await fleetB.ListRolloutHistoryAsync(new RolloutRequest { Name = RedisFleetBed.App }, bed.Auth, cancellationToken: ct);
        Assert.Contains(history.Rollouts, r => r.Id == done.Id && r.Phase == "Succeeded" && r.ToRevision == v2);
        var log = await fleetB.ListEventsAsync(new ListEventsRequest { Object = $"rollout/{RedisFleetBed.App}", Limit = 100 }, bed.Auth, cancellationToken: ct);
        Assert.Single(log.Events, e => e.Type == "RolloutSucceeded" && e.Message.Contains(v2[..8], StringComparison.Ordinal));
    }

    private static RolloutStrategy Strategy()
    {
        // A bake per wave keeps the rollout running long enough to kill a silo in the middle of it.
        var strategy = new RolloutStrategy { FailurePolicy = "pause", ProgressDeadlineSeconds = 60 };
        for (var i = 1; i <= 3; i++)
        {
            var wave = new RolloutWave { Name = $"w{i}", BakeSeconds = 2 };
            wave.Selector.Add("wave", i.ToString());
            strategy.Waves.Add(wave);
        }
        return strategy;
    }

    private static async Task<Rollout> WaitForRolloutAsync(FleetService.FleetServiceClient fleet, RedisFleetBed bed, Func<Rollout, bool> done, string what, CancellationToken ct)
    {
        Rollout? last = null;
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                last = await fleet.GetRolloutAsync(new RolloutRequest { Name = RedisFleetBed.App }, bed.Auth, cancellationToken: ct);
                return done(last);
            }, what, ct);
        }
        catch (Xunit.Sdk.FailException ex) when (last is not null)
        {
            // Say where the rollout stood, so a failure here can be told apart from a silo that never answered.
            var waves = string.Join(", ", last.Waves.Select(w => $"{w.Name}={w.Phase}"));
            Assert.Fail($"{ex.Message}; last seen: {last.Phase} to {last.ToRevision[..Math.Min(8, last.ToRevision.Length)]}, waves {waves}, last event {last.Events.LastOrDefault()?.Type}: {last.Events.LastOrDefault()?.Reason}");
        }
        return last!;
    }
}
