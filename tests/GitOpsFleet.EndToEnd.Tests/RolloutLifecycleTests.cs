using GitOpsFleet.Protos.Fleet;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>Rollouts across hub restarts, newer commits, silent clusters, and rollbacks.</summary>
public sealed class RolloutLifecycleTests
{
    [Fact]
    public async Task HubRestart_MidRollout_ResumesAndFinishes()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 2));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var v2 = bed.CommitVersion("v2");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Progressing" && r.CurrentWave == 0, "the rollout of v2 to start");
        await bed.RestartHubAsync();

        // The agents reconnect to the new hub process on the same port.
        await Eventually.UntilAsync(
            () => bed.Fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth).ResponseAsync,
            c => c.Clusters.Count == 9 && c.Clusters.All(x => x.Connected), RolloutTestBed.Deadline, "all agents reconnected");
        // Only the application is asked: its activation wakes the persisted rollout, whose timer moves the later waves.
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
        // The last wave still bakes for its 2 s before the rollout ends.
        var rollout = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish after the restart");
        Assert.Equal(3, rollout.Events.Count(e => e.Type == "RolloutWavePassed"));
        Assert.Single(rollout.Events, e => e.Type == "RolloutStarted");
    }

    [Fact]
    public async Task NewerCommit_MidRollout_SupersedesFromTheFirstWave()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, approveWave2: true));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        var v2 = bed.CommitVersion("v2");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "WaitingApproval", "v2 to pass wave 1");
        var v3 = bed.CommitVersion("v3");
        var superseding = await bed.WaitForRolloutAsync(r => r.ToRevision == v3, "v3 to supersede v2");
        Assert.Equal(v1, superseding.FromRevision);
        await bed.WaitForRolloutAsync(r => r.ToRevision == v3 && r.Phase == "WaitingApproval", "v3 to pass wave 1");
        var app = await bed.WaitForAllAtAsync(bed.Wave(1), v3);
        Assert.All(bed.Wave(2).Concat(bed.Wave(3)), c => Assert.Equal(v1, RolloutTestBed.DesiredOf(app, c)));

        var history = await bed.Fleet.ListRolloutHistoryAsync(new RolloutRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Contains(history.Rollouts, r => r.ToRevision == v2 && r.Phase == "Superseded" && r.Reason.Contains(v3[..8]));

        await bed.Fleet.PromoteRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        await bed.WaitForRolloutAsync(r => r.ToRevision == v3 && r.Phase == "Succeeded", "v3 to finish");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v3);
        foreach (var cluster in bed.Labels.Keys)
        {
            Assert.Equal("v3", await bed.LiveVersionAsync(cluster));
        }
    }

    [Fact]
    public async Task ClusterJoiningMidRollout_GetsTheRevisionItsWaveReached()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, approveWave2: true));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);
        var v2 = bed.CommitVersion("v2");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "WaitingApproval", "wave 1 to pass");

        // c10 (wave 1, already passed) and c11 (wave 3, not reached) join now.
        await bed.AddClusterAsync("c10", wave: 1);
        await bed.AddClusterAsync("c11", wave: 3);
        // Still waiting for approval: c10's wave already passed, so it gets v2 now; c11 waits for wave 3 on v1.
        await bed.WaitForAllAtAsync(["c10"], v2);
        await bed.WaitForAllAtAsync(["c11"], v1);
        var waiting = await bed.GetRolloutAsync();
        Assert.Equal("WaitingApproval", waiting.Phase);
        Assert.Equal("Succeeded", waiting.Waves[0].Clusters.Single(c => c.Cluster == "c10").Phase);
        Assert.Equal("Pending", waiting.Waves[2].Clusters.Single(c => c.Cluster == "c11").Phase);
        Assert.Single(waiting.Events, e => e.Type == "RolloutWaitingApproval");
        await bed.Fleet.PromoteRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        var rollout = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish");
        Assert.Contains(rollout.Waves[0].Clusters, c => c.Cluster == "c10");
        Assert.Contains(rollout.Waves[2].Clusters, c => c.Cluster == "c11");
        Assert.Contains(rollout.Events, e => e.Type == "RolloutClusterJoined");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
    }

    [Fact]
    public async Task ClusterNotReportingTheNewRevision_HoldsTheGate_UntilItDoes()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        // c1 was Healthy at v1; its agent goes away, so it cannot report on v2.
        await bed.StopAgentAsync("c1");
        await Eventually.UntilAsync(
            () => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "c1" }, bed.Auth).ResponseAsync,
            c => !c.Connected, RolloutTestBed.Deadline, "c1 disconnected");
        var v2 = bed.CommitVersion("v2");
        await bed.WaitForAllAtAsync(["c2", "c3"], v2);
        var held = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Waves[0].Clusters.Any(c => c.Cluster == "c1" && c.Phase == "Progressing")
            && r.Waves[0].Clusters.Count(c => c.Phase == "Succeeded") == 2, "c2 and c3 through, c1 waiting");
        Assert.Equal(0, held.CurrentWave);
        var app = await bed.GetApplicationAsync();
        var c1 = app.Status.Targets.Single(t => t.Cluster == "c1");
        Assert.Equal((v2, v1), (c1.DesiredRevision, c1.ObservedRevision));
        Assert.All(bed.Wave(2), c => Assert.Equal(v1, RolloutTestBed.DesiredOf(app, c)));

        // Back again, c1 applies v2 and reports on it; only then does the gate open.
        bed.StartAgent("c1");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish once c1 reports");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
    }

    [Fact]
    public async Task Rollback_ToEarlierRevision_IsItselfARollout_AndAllAtOnceMovesEverything()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);
        var v2 = bed.CommitVersion("v2");
        await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "v2 everywhere");

        var plan = await bed.Fleet.PlanRolloutAsync(new PlanRolloutRequest { Name = RolloutTestBed.App, Revision = v1 }, bed.Auth);
        Assert.Equal((v2, v1), (plan.FromRevision, plan.ToRevision));
        Assert.Equal(["c1", "c2", "c3"], plan.Waves[0].Clusters.Select(c => c.Cluster));
        Assert.Equal(3, plan.Waves.Count);
        // Only the ConfigMap differs between v1 and v2; the Deployment is the same.
        var change = Assert.Single(plan.ChangedResources);
        Assert.StartsWith("~ ConfigMap ", change);
        Assert.EndsWith("web-config", change);

        var rollback = await bed.Fleet.RollbackApplicationAsync(new RollbackApplicationRequest { Name = RolloutTestBed.App, ToRevision = v1 }, bed.Auth);
        Assert.Equal(("Progressing", v1, "admin"), (rollback.Phase, rollback.ToRevision, rollback.Actor));
        await bed.WaitForRolloutAsync(r => r.ToRevision == v1 && r.Phase == "Succeeded", "the rollback rollout to finish");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);
        Assert.Equal("v1", await bed.LiveVersionAsync("c9"));

        var atOnce = await bed.Fleet.RollbackApplicationAsync(new RollbackApplicationRequest { Name = RolloutTestBed.App, ToRevision = v2, AllAtOnce = true }, bed.Auth);
        Assert.Equal("Succeeded", atOnce.Phase);
        var app = await bed.GetApplicationAsync();
        Assert.All(app.Status.Targets, t => Assert.Equal(v2, t.DesiredRevision));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);

        var history = await bed.Fleet.ListRolloutHistoryAsync(new RolloutRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Equal([v2, v1, v2], history.Rollouts.Select(r => r.ToRevision));
    }
}
