using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>Who did what to a rollout, what a plan shows, and the strategy options the other rollout tests leave alone.</summary>
public sealed class RolloutAuditTests
{
    [Fact]
    public async Task Plan_ListsChangedFilesAndResources_AndEventsNameTheirActor()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        await bed.CreateApplicationAsync(RolloutTestBed.Strategy(bakeSeconds: 0, approveWave2: true));
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        // v2 changes one file and adds another; a file outside the application's path changes too.
        bed.Git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("web-config", "v2"));
        bed.Git.WriteFile("app/extra.yaml", Manifests.ConfigMap("web-extra", "v2"));
        bed.Git.WriteFile("docs/README.md", "not part of the application");
        var v2 = bed.Git.Commit("Version v2");
        var waiting = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "WaitingApproval", "wave 1 to pass and wave 2 to wait");

        var plan = await bed.Fleet.PlanRolloutAsync(new PlanRolloutRequest { Name = RolloutTestBed.App, Revision = v2 }, bed.Auth);
        Assert.Equal((v1, v2), (plan.FromRevision, plan.ToRevision));
        Assert.Equal(["M app/configmap.yaml", "A app/extra.yaml"], plan.ChangedFiles);
        Assert.Equal(["+ ConfigMap web/web-extra", "~ ConfigMap web/web-config"], plan.ChangedResources);

        // Git started it, the engine passed wave 1.
        Assert.Equal($"git:{v2[..8]}", waiting.Actor);
        Assert.Equal($"git:{v2[..8]}", waiting.Events.Single(e => e.Type == "RolloutStarted").Actor);
        Assert.All(waiting.Events.Where(e => e.Type is "RolloutWaveStarted" or "RolloutWavePassed" or "RolloutWaitingApproval"),
            e => Assert.Equal("system", e.Actor));

        // A readonly token may not pause; an admin token named ci-bot may, and the history names it.
        var auditor = await bed.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly", Description = "auditor" }, bed.Auth);
        var ciBot = await bed.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "admin", Description = "ci-bot" }, bed.Auth);
        var denied = await Assert.ThrowsAsync<RpcException>(() => bed.Fleet.PauseRolloutAsync(
            new RolloutActionRequest { Name = RolloutTestBed.App, Reason = "looks odd" }, Bearer(auditor.Token)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var paused = await bed.Fleet.PauseRolloutAsync(
            new RolloutActionRequest { Name = RolloutTestBed.App, Reason = "release freeze" }, Bearer(ciBot.Token));
        var pause = Assert.Single(paused.Events, e => e.Type == "RolloutPaused");
        Assert.Equal(("token:ci-bot", "release freeze"), (pause.Actor, pause.Reason));
        Assert.DoesNotContain(paused.Events, e => e.Actor.Contains("auditor"));

        await bed.Fleet.ResumeRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, bed.Auth);
        await bed.WaitForRolloutAsync(r => r.Phase == "WaitingApproval", "the approval gate after resume");
        await bed.Fleet.PromoteRolloutAsync(new RolloutActionRequest { Name = RolloutTestBed.App }, Bearer(ciBot.Token));
        var done = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish");
        Assert.Equal("admin", done.Events.Single(e => e.Type == "RolloutResumed").Actor);
        Assert.Equal("token:ci-bot", done.Events.Single(e => e.Type == "RolloutPromoted").Actor);
        Assert.Equal("system", done.Events.Single(e => e.Type == "RolloutSucceeded").Actor);

        // The same actors in the kept history and in the hub's event log.
        var history = await bed.Fleet.ListRolloutHistoryAsync(new RolloutRequest { Name = RolloutTestBed.App }, bed.Auth);
        Assert.Contains(history.Rollouts.Single(r => r.ToRevision == v2).Events, e => e.Type == "RolloutPaused" && e.Actor == "token:ci-bot");
        var log = await bed.Fleet.ListEventsAsync(new ListEventsRequest { Object = "rollout/web", Limit = 100 }, bed.Auth);
        Assert.Contains(log.Events, e => e.Type == "RolloutPaused" && e.Actor == "token:ci-bot" && e.Message.Contains("release freeze"));
        Assert.Contains(log.Events, e => e.Type == "RolloutStarted" && e.Actor == $"git:{v2[..8]}");
    }

    [Fact]
    public async Task DisconnectedSkip_AndPercentParallelism_SkipTheSilentClusterOneAtATime()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        var strategy = RolloutTestBed.Strategy(bakeSeconds: 0);
        strategy.Disconnected = "skip";
        strategy.Waves[0].MaxParallel = "33%"; // of 3 clusters: one at a time
        await bed.CreateApplicationAsync(strategy);
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        await bed.StopAgentAsync("c3");
        await Eventually.UntilAsync(
            () => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "c3" }, bed.Auth).ResponseAsync,
            c => !c.Connected, RolloutTestBed.Deadline, "c3 disconnected");
        var v2 = bed.CommitVersion("v2");

        // Sample wave 1 while it moves: never more than one cluster in flight.
        var inFlight = new List<int>();
        var rollout = await Eventually.UntilAsync(async () =>
        {
            var r = await bed.GetRolloutAsync();
            if (r.ToRevision == v2 && r.CurrentWave == 0)
            {
                inFlight.Add(r.Waves[0].Clusters.Count(c => c.Phase == "Progressing"));
            }
            return r;
        }, r => r.ToRevision == v2 && r.Phase == "Succeeded", RolloutTestBed.Deadline, "the rollout to finish without c3");
        Assert.Contains(1, inFlight);
        Assert.All(inFlight, n => Assert.InRange(n, 0, 1));

        // The silent cluster was skipped, not waited for; the rollout finished while it was still away.
        var c3 = rollout.Waves[0].Clusters.Single(c => c.Cluster == "c3");
        Assert.Equal("Skipped", c3.Phase);
        Assert.Contains("disconnected", c3.Message);
        var cluster = await bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "c3" }, bed.Auth);
        Assert.False(cluster.Connected);
        Assert.Equal("v1", await bed.LiveVersionAsync("c3"));

        // Back again, it catches up to the revision every wave reached.
        bed.StartAgent("c3");
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v2);
        Assert.Equal("v2", await bed.LiveVersionAsync("c3"));
    }

    [Fact]
    public async Task MaxFailures_ToleratesADeadlineFailure_AndClustersInNoWaveGoLast()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        var v1 = bed.CommitVersion("v1");
        // Waves for wave=1 and wave=2 only: c7..c9 match none and go in a final wave named rest.
        var strategy = RolloutTestBed.Strategy(bakeSeconds: 0, progressDeadlineSeconds: 3);
        strategy.Waves.RemoveAt(2);
        strategy.MaxFailures = 1;
        await bed.CreateApplicationAsync(strategy);
        await bed.WaitForAllAtAsync(bed.Labels.Keys, v1);

        // c1 is away and the policy is wait: it fails at the progress deadline, which one tolerated failure absorbs.
        await bed.StopAgentAsync("c1");
        await Eventually.UntilAsync(
            () => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "c1" }, bed.Auth).ResponseAsync,
            c => !c.Connected, RolloutTestBed.Deadline, "c1 disconnected");
        var v2 = bed.CommitVersion("v2");
        var rollout = await bed.WaitForRolloutAsync(r => r.ToRevision == v2 && r.Phase == "Succeeded", "the rollout to finish despite c1");

        Assert.Equal(["w1", "w2", "rest"], rollout.Waves.Select(w => w.Name));
        Assert.Equal(["c7", "c8", "c9"], rollout.Waves[2].Clusters.Select(c => c.Cluster));
        var c1 = rollout.Waves[0].Clusters.Single(c => c.Cluster == "c1");
        Assert.Equal("Failed", c1.Phase);
        Assert.Contains("progress deadline", c1.Message);
        Assert.DoesNotContain(rollout.Events, e => e.Type is "RolloutWaveFailed" or "RolloutPaused");
        // The rest wave started only after w2 passed.
        var events = rollout.Events.ToList();
        Assert.True(events.FindIndex(e => e.Type == "RolloutWavePassed" && e.Reason.Contains("w2"))
            < events.FindIndex(e => e.Type == "RolloutWaveStarted" && e.Reason.Contains("rest")), "rest started before w2 passed");
        await bed.WaitForAllAtAsync(bed.Labels.Keys.Where(c => c != "c1"), v2);
    }

    [Fact]
    public async Task Plan_JsonnetWithClusterTla_RendersWithTheApplicationsParameters()
    {
        await using var bed = await RolloutTestBed.StartAsync();
        const string Jsonnet = "function(suffix) {{ cfg: {{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {{ name: 'cfg-' + suffix }}, data: {{ version: '{0}' }} }} }}";
        bed.Git.WriteFile("jn/main.jsonnet", string.Format(Jsonnet, "v1"));
        var v1 = bed.Git.Commit("jsonnet v1");
        bed.Git.WriteFile("jn/main.jsonnet", string.Format(Jsonnet, "v2"));
        var v2 = bed.Git.Commit("jsonnet v2");
        await bed.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "params-repo", Url = bed.Git.Path } }, bed.Auth);
        var source = new ApplicationSource { Repo = "params-repo", Path = "jn", Revision = "main", Renderer = "jsonnet", Jsonnet = new JsonnetSource() };
        // Without the TLA the function has no argument and jsonnet fails: a plan that renders bare would show an error.
        source.Jsonnet.Tlas.Add("suffix", "{{cluster.name}}");
        await bed.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "params",
                Spec = new ApplicationSpec { Source = source, Destination = new ApplicationDestination { Namespace = RolloutTestBed.Namespace } },
            },
        }, bed.Auth);
        await Eventually.UntilAsync(
            () => bed.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "params" }, bed.Auth).ResponseAsync,
            a => a.Status.Targets.Count == 9 && a.Status.Targets.All(t => t.DesiredRevision == v2), RolloutTestBed.Deadline, "params at v2 everywhere");

        var plan = await bed.Fleet.PlanRolloutAsync(new PlanRolloutRequest { Name = "params", Revision = v1 }, bed.Auth);

        Assert.Equal((v2, v1), (plan.FromRevision, plan.ToRevision));
        Assert.Equal(["M jn/main.jsonnet"], plan.ChangedFiles);
        // Rendered for the first cluster, c1, with its name in the TLA.
        Assert.Equal(["~ ConfigMap web/cfg-c1"], plan.ChangedResources);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
