using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>A new commit moves across nine clusters in three waves; failures pause or roll back.</summary>
public sealed class RolloutWaveTests
{
    [Fact]
    public async Task GoodCommit_MovesWaveByWave_NoLaterWaveBeforeTheEarlierPassed()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 1));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var v2 = bed.CommitVersion("v2");
        // Sample the hub's per-target desired revisions while the rollout runs.
        var samples = new List<Application>();
        var rollout = await Eventually.UntilAsync(async () =>
        {
            samples.Add(await bed.GetApplicationAsync());
            if (samples[^1].Status.Targets.Any(t => t.DesiredRevision == v2) && bed.Wave(2).All(c => RolloutTestBed.DesiredOf(samples[^1], c) == v1))
            {
                // Wave 1 is moving: wave 2 and 3 still run v1, on the hub and live.
                foreach (var cluster in bed.Wave(2).Concat(bed.Wave(3)))
                {
                    Assert.Equal("v1", await bed.LiveVersionAsync(cluster));
                }
            }
            return await bed.GetRolloutAsync();
        }, r => r.ToRevision == v2 && r.Phase == "Succeeded", RolloutTestBed.Deadline, "the rollout of v2 to succeed");

        var firstWave2 = samples.FindIndex(a => bed.Wave(2).Any(c => RolloutTestBed.DesiredOf(a, c) == v2));
        var firstWave3 = samples.FindIndex(a => bed.Wave(3).Any(c => RolloutTestBed.DesiredOf(a, c) == v2));
        Assert.True(firstWave2 > 0, "wave 2 moved in the first sample");
        Assert.True(firstWave3 > firstWave2, "wave 3 moved no later than wave 2");
        // Before wave 2 moved, the hub had seen wave 1 Synced and Healthy at v2 (and it never moved wave 2 before that).
        Assert.Contains(samples.Take(firstWave2), a => RolloutTestBed.AllAt(a, bed.Wave(1), v2));
        Assert.Contains(samples.Take(firstWave3), a => RolloutTestBed.AllAt(a, bed.Wave(2), v2));
        Assert.DoesNotContain(samples.Take(firstWave2), a => bed.Wave(3).Any(c => RolloutTestBed.DesiredOf(a, c) == v2));

        var app = await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
        foreach (var cluster in bed.Labels.Keys)
        {
            Assert.Equal("v2", await bed.LiveVersionAsync(cluster));
        }
        Assert.All(rollout.Waves, w => Assert.Equal("Passed", w.Phase));
        // Each wave passed only after its last cluster had been Healthy at v2 for the 1 s bake.
        foreach (var wave in rollout.Waves)
        {
            var passed = rollout.Events.Single(e => e.Type == "RolloutWavePassed" && e.Reason.StartsWith($"wave {wave.Name} ", StringComparison.Ordinal));
            Assert.True(passed.UnixMs - wave.Clusters.Max(c => c.PhaseSinceUnixMs) >= 1000, $"wave {wave.Name} passed before its bake time");
        }
        var types = rollout.Events.Select(e => e.Type).ToList();
        Assert.Equal(3, types.Count(t => t == "RolloutWaveStarted"));
        Assert.Equal(3, types.Count(t => t == "RolloutWavePassed"));
        Assert.Equal("RolloutSucceeded", types[^1]);
        Assert.All(rollout.Events, e => Assert.True(e.UnixMs > 0 && e.Actor.Length > 0 && e.Reason.Length > 0));
        var log = await bed.Fleet.ListEventsAsync(new ListEventsRequest { Object = "rollout/web", Limit = 100 }, bed.Auth);
        Assert.Contains(log.Events, e => e.Type == "RolloutWavePassed" && e.Message.Contains("w1"));
        Assert.Equal(9, app.Status.Targets.Count);
    }

    [Fact]
    public async Task BrokenImage_PausesInWave1_Wave2NeverSeesIt_AbortReturnsWave1()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, progressDeadlineSeconds: 3));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var broken = bed.CommitVersion("broken", image: "nginx:broken");
        var paused = await bed.WaitForRolloutAsync(r => r.ToRevision == broken && r.Phase == "Paused", "the rollout to pause on the broken image");
        Assert.Equal(0, paused.CurrentWave);
        Assert.Contains("w1", paused.Reason);
        Assert.Contains(paused.Events, e => e.Type == "RolloutWaveFailed" && e.Actor == "system");

        var app = await bed.GetApplicationAsync();
        foreach (var cluster in bed.Wave(2).Concat(bed.Wave(3)))
        {
            Assert.Equal(v1, RolloutTestBed.DesiredOf(app, cluster));
            Assert.Equal("nginx:1.27", await bed.LiveImageAsync(cluster));
        }
        Assert.Contains(bed.Wave(1), c => RolloutTestBed.DesiredOf(app, c) == broken);

        // Resuming tries again; the image is still broken, so it pauses again.
        var resumed = await bed.Fleet.ResumeRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Equal("Progressing", resumed.Phase);
        await bed.WaitForRolloutAsync(r => r.Phase == "Paused" && r.Events.Count(e => e.Type == "RolloutPaused") == 2, "the rollout to pause again");

        var aborted = await bed.Fleet.AbortRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App, Reason = "bad image" }, bed.Auth);
        Assert.Equal("Aborted", aborted.Phase);
        Assert.Equal("bad image", aborted.Reason);
        Assert.Equal("admin", aborted.Events.Single(e => e.Type == "RolloutAborted").Actor);
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);
        foreach (var cluster in bed.Labels.Keys)
        {
            Assert.Equal("nginx:1.27", await bed.LiveImageAsync(cluster));
        }
    }

    [Fact]
    public async Task BrokenImage_WithRollbackPolicy_Wave1ReturnsToPreviousRevision_Healthy()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, failurePolicy: "rollback", progressDeadlineSeconds: 3));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var broken = bed.CommitVersion("broken", image: "nginx:broken");
        var rolledBack = await bed.WaitForRolloutAsync(r => r.ToRevision == broken && r.Phase == "RolledBack", "the rollout to roll back");
        Assert.Contains("c1", rolledBack.Reason);
        Assert.Contains(rolledBack.Events, e => e.Type == "RolloutRolledBack" && e.Actor == "system");

        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);
        foreach (var cluster in bed.Labels.Keys)
        {
            Assert.Equal("nginx:1.27", await bed.LiveImageAsync(cluster));
            Assert.Equal("v1", await bed.LiveVersionAsync(cluster));
        }
        var history = await bed.Fleet.ListRolloutHistoryAsync(new RolloutRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Contains(history.Rollouts, r => r.ToRevision == broken && r.Phase == "RolledBack");
    }

    [Fact]
    public async Task RequireApproval_WaitsForPromote_PauseAndResumeHold()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, approveWave2: true));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var v2 = bed.CommitVersion("v2");
        var waiting = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "WaitingApproval", "wave 2 to wait for approval");
        Assert.Equal(1, waiting.CurrentWave);
        Assert.Equal("Passed", waiting.Waves[0].Phase);
        var app = await bed.WaitForAllAtAsync(bed.Wave(1), v2);
        Assert.All(bed.Wave(2).Concat(bed.Wave(3)), c => Assert.Equal(v1, RolloutTestBed.DesiredOf(app, c)));

        var paused = await bed.Fleet.PauseRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Equal("Paused", paused.Phase);
        var resumed = await bed.Fleet.ResumeRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Equal("Progressing", resumed.Phase);
        // Resume does not approve: the gate holds until promote.
        await bed.WaitForRolloutAsync(r => r.Phase == "WaitingApproval" && r.Events.Count(e => e.Type == "RolloutWaitingApproval") == 2, "the gate to hold after resume");
        Assert.All(bed.Wave(2), c => Assert.Equal(v1, RolloutTestBed.DesiredOf(app, c)));

        var promoted = await bed.Fleet.PromoteRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Contains(promoted.Events, e => e.Type == "RolloutPromoted" && e.Actor == "admin");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish after promote");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
    }
}
