using System.Text.Json;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class AppCommandsTests : IAsyncLifetime
{
    private const string Rev = "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d";
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private static Application App(params (string Cluster, SyncStatus Sync, HealthStatus Health, string Observed)[] targets)
    {
        var status = new ApplicationStatus { Revision = Rev, Sync = SyncStatus.OutOfSync, Health = HealthStatus.Progressing };
        foreach (var t in targets)
        {
            var target = new TargetStatus { Cluster = t.Cluster, Sync = t.Sync, Health = t.Health, DesiredRevision = Rev, ObservedRevision = t.Observed, Generation = 3, ObservedGeneration = 3, Connected = true };
            target.Resources.Add(new ResourceStatus { Key = new ResourceKey { Group = "apps", Version = "v1", Kind = "Deployment", Namespace = "web", Name = "guestbook" }, Sync = t.Sync, Health = t.Health, Result = "Configured" });
            status.Targets.Add(target);
        }

        return new Application
        {
            Name = "guestbook",
            Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "demo", Path = "guestbook", Revision = "main" } },
            Status = status,
        };
    }

    [Fact]
    public async Task AppCreate_SendsTheSpecFromFlags()
    {
        var result = await _hub.RunAsync("app", "create", "guestbook", "--repo", "demo", "--path", "apps/{{cluster.labels.env}}",
            "--revision", "v1.2.0", "--renderer", "kustomize", "--selector", "env=prod", "--selector", "wave=1", "--namespace", "web",
            "--auto-sync", "--prune", "--self-heal", "--upsert");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests));
        var spec = request.Application.Spec;
        Assert.Equal("guestbook", request.Application.Name);
        Assert.True(request.Upsert);
        Assert.Equal(("demo", "apps/{{cluster.labels.env}}", "v1.2.0", "kustomize"), (spec.Source.Repo, spec.Source.Path, spec.Source.Revision, spec.Source.Renderer));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["wave"] = "1" }, spec.Destination.ClusterSelector);
        Assert.Equal("web", spec.Destination.Namespace);
        Assert.True(spec.SyncPolicy.Automated && spec.SyncPolicy.Prune && spec.SyncPolicy.SelfHeal);
    }

    [Fact]
    public async Task AppGet_WithResources_ShowsTargetsAndResourceRows()
    {
        _hub.Service.Applications = _ => App(("east", SyncStatus.Synced, HealthStatus.Healthy, Rev), ("west", SyncStatus.OutOfSync, HealthStatus.Progressing, "0000000aaaa"));

        var result = await _hub.RunAsync("app", "get", "guestbook", "--resources");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<GetApplicationRequest>(Assert.Single(_hub.Service.Requests));
        Assert.True(request.Resources);
        Assert.Contains("Status:      OutOfSync / Progressing (1/2 targets ready)", result.Stdout);
        Assert.Contains("east      Synced      Healthy       1a2b3c4", result.Stdout);
        Assert.Contains("west      OutOfSync   Progressing   0000000", result.Stdout);
        Assert.Contains("Deployment.apps   web         guestbook", result.Stdout);
    }

    [Fact]
    public async Task AppGet_Json_HasStatusTargets()
    {
        _hub.Service.Applications = _ => App(("east", SyncStatus.Synced, HealthStatus.Healthy, Rev));

        var result = await _hub.RunAsync("app", "get", "guestbook", "-o", "json");

        using var json = JsonDocument.Parse(result.Stdout);
        var target = json.RootElement.GetProperty("status").GetProperty("targets")[0];
        Assert.Equal("SYNC_STATUS_SYNCED", target.GetProperty("sync").GetString());
        Assert.Equal("HEALTH_STATUS_HEALTHY", target.GetProperty("health").GetString());
    }

    [Fact]
    public async Task AppWait_TargetsBecomeReady_ExitsZeroWithProgressOnStderr()
    {
        _hub.Service.Applications = call => call switch
        {
            0 => App(),
            1 => App(("east", SyncStatus.OutOfSync, HealthStatus.Progressing, "")),
            2 => App(("east", SyncStatus.Synced, HealthStatus.Progressing, Rev)),
            _ => App(("east", SyncStatus.Synced, HealthStatus.Healthy, Rev)),
        };

        var result = await _hub.RunAsync("app", "wait", "guestbook", "--timeout", "30s");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4, _hub.Service.GetApplicationCalls);
        Assert.Contains("guestbook: waiting; no target clusters yet", result.Stderr);
        Assert.Contains("guestbook: 0/1 targets Synced and Healthy at 1a2b3c4; waiting for east Synced/Progressing", result.Stderr);
        Assert.Contains("application guestbook is Synced and Healthy at 1a2b3c4", result.Stdout);
    }

    [Fact]
    public async Task AppWait_HealthOnly_IgnoresSync()
    {
        _hub.Service.Applications = _ => App(("east", SyncStatus.OutOfSync, HealthStatus.Healthy, Rev));

        var result = await _hub.RunAsync("app", "wait", "guestbook", "--health", "--timeout", "30s");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("application guestbook is Healthy at 1a2b3c4", result.Stdout);
    }

    [Fact]
    public async Task AppWait_OldRevisionOnATarget_IsNotReady()
    {
        _hub.Service.Applications = _ => App(("east", SyncStatus.Synced, HealthStatus.Healthy, "ffffffffffffffffffffffffffffffffffffffff"));

        var result = await _hub.RunAsync("app", "wait", "guestbook", "--timeout", "2s");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("waiting for east Synced/Healthy at fffffff", result.Stderr);
    }

    [Fact]
    public async Task AppWait_NeverReady_ExitsTwoOnTimeout()
    {
        _hub.Service.Applications = _ => App(("east", SyncStatus.OutOfSync, HealthStatus.Degraded, Rev));

        var result = await _hub.RunAsync("app", "wait", "guestbook", "--timeout", "2s");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: timed out after 2s waiting for application guestbook: guestbook: 0/1 targets", result.Stderr);
        Assert.True(_hub.Service.GetApplicationCalls >= 2, "wait must poll more than once");
    }

    [Fact]
    public async Task AppWait_UnknownApplication_ExitsOne()
    {
        var result = await _hub.RunAsync("app", "wait", "ghost", "--timeout", "30s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: application ghost not found", result.Stderr.Trim());
    }

    [Fact]
    public async Task AppDelete_CascadeFalse_SendsNoPrune()
    {
        var result = await _hub.RunAsync("app", "delete", "guestbook", "--cascade=false");

        Assert.Equal(0, result.ExitCode);
        Assert.False(Assert.IsType<DeleteApplicationRequest>(Assert.Single(_hub.Service.Requests)).Prune);
        Assert.Contains("its objects stay in the clusters", result.Stdout);
    }

    [Fact]
    public async Task RepoAdd_UrlOnly_DerivesTheName()
    {
        var result = await _hub.RunAsync("repo", "add", "https://git.example/team/Guest-Book.git", "--username", "u", "--password", "p4ss", "--poll", "5m");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<AddRepositoryRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal(("guest-book", "https://git.example/team/Guest-Book.git", 300, "u", "p4ss"),
            (request.Repository.Name, request.Repository.Url, request.Repository.PollIntervalSeconds, request.Repository.Username, request.Repository.Password));
        Assert.DoesNotContain("p4ss", result.Stdout);
    }
}
