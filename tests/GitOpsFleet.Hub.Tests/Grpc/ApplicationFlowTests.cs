using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Grpc;

public sealed class ApplicationFlowTests
{
    private const string RepoUrl = "https://git.example/apps.git";
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}""";
    private const string ConfigMapGreen = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"green"}}""";

    private static async Task<Application> CreateAppAsync(TestHub hub, string name, string commit, params (string Key, string Value)[] selector)
    {
        hub.Git.SetHead(RepoUrl, "main", commit);
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = RepoUrl }, Upsert = true });
        var destination = new ApplicationDestination { Namespace = "web" };
        foreach (var (key, value) in selector)
        {
            destination.ClusterSelector[key] = value;
        }
        return await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "apps", Path = "guestbook", Revision = "main" },
                    Destination = destination,
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
                },
            },
        });
    }

    private static async Task<Desired> NextDesiredAsync(FakeAgent agent)
    {
        while (true)
        {
            var message = await agent.NextAsync();
            if (message.BodyCase == HubMessage.BodyOneofCase.Desired)
            {
                return message.Desired;
            }
        }
    }

    private static AgentMessage Status(Desired desired, SyncStatus sync, HealthStatus health) => new()
    {
        Status = new AppStatus
        {
            App = desired.App,
            Generation = desired.Generation,
            Revision = desired.Revision,
            Sync = sync,
            Health = health,
            Phase = OperationPhase.Succeeded,
            Full = true,
            Resources = { new ResourceStatus { Key = new ResourceKey { Version = "v1", Kind = "ConfigMap", Namespace = "web", Name = "settings" }, Sync = sync, Health = health, Result = "Created" } },
        },
    };

    [Fact]
    public async Task CreateApplication_ConnectedAgent_ReceivesDesiredAndStatusShowsInGetApplication()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var credential = await hub.RegisterClusterAsync("edge-1", ("env", "prod"));
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "edge-1");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);

        await CreateAppAsync(hub, "guestbook", "c1", ("env", "prod"));
        var desired = await NextDesiredAsync(agent);

        Assert.Equal("guestbook", desired.App);
        Assert.Equal("c1", desired.Revision);
        Assert.Equal("web", desired.DefaultNamespace);
        Assert.True(desired.Options.Automated);
        var bundle = BundleCodec.Decompress(desired.CompressedBundle);
        Assert.Equal(ConfigMap, Assert.Single(bundle.Manifests).Json);

        await agent.SendAsync(Status(desired, SyncStatus.Synced, HealthStatus.Healthy));
        var app = await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "guestbook", Resources = true }).ResponseAsync,
            a => a.Status.Sync == SyncStatus.Synced && a.Status.Health == HealthStatus.Healthy, "guestbook Synced and Healthy");
        var target = Assert.Single(app.Status.Targets);
        Assert.Equal("edge-1", target.Cluster);
        Assert.Equal(desired.Generation, target.ObservedGeneration);
        Assert.True(target.Connected);
        Assert.Equal("settings", Assert.Single(target.Resources).Key.Name);
        Assert.Equal("c1", app.Status.Revision);
        Assert.Equal("", app.Status.Error);
    }

    [Fact]
    public async Task CreateApplication_SelectorExcludesCluster_SendsNothingThere()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        await hub.RegisterClusterAsync("dev-1", ("env", "dev"));
        await hub.RegisterClusterAsync("prod-1", ("env", "prod"));

        var app = await CreateAppAsync(hub, "only-prod", "c1", ("env", "prod"));

        Assert.Equal("prod-1", Assert.Single(app.Status.Targets).Cluster);
    }

    [Fact]
    public async Task Connect_AppliedGenerationsUpToDate_NoDesiredResent()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var credential = await hub.RegisterClusterAsync("steady");
        var app = await CreateAppAsync(hub, "steady-app", "c1");
        var generation = Assert.Single(app.Status.Targets).Generation;

        // First connection with nothing applied: the hub catches the agent up.
        await using (var first = await FakeAgent.ConnectAsync(hub.Agents, credential, "steady"))
        {
            Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await first.NextAsync()).BodyCase);
            Assert.Equal(generation, (await NextDesiredAsync(first)).Generation);
        }

        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "steady" }).ResponseAsync, c => !c.Connected, "first stream gone");
        await using var second = await FakeAgent.ConnectAsync(hub.Agents, credential, "steady",
            new Dictionary<string, long> { ["steady-app"] = generation });
        var welcome = await second.NextAsync();
        Assert.Contains("steady-app", welcome.Welcome.Applications);

        // A sync sends a Command; had a Desired been resent it would arrive before it.
        await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "steady-app" });
        var next = await second.NextAsync();
        Assert.Equal(HubMessage.BodyOneofCase.Command, next.BodyCase);
        Assert.Equal(CommandKind.Sync, next.Command.Kind);
    }

    [Fact]
    public async Task NewCommit_ChangedManifests_BumpsGenerationOnce()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        hub.Renderer.SetManifests("c2", ConfigMapGreen);
        var credential = await hub.RegisterClusterAsync("mover");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "mover");
        await agent.NextAsync();
        await CreateAppAsync(hub, "mover-app", "c1");
        var first = await NextDesiredAsync(agent);

        hub.Git.SetHead(RepoUrl, "main", "c2");
        await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "mover-app" });
        var second = await NextDesiredAsync(agent);
        var unchanged = await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "mover-app" });

        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.Equal("c2", second.Revision);
        Assert.Equal(second.Generation, Assert.Single(unchanged.Status.Targets).Generation);
    }

    [Fact]
    public async Task NewCommit_RenderError_ShownOnApplicationAndClustersKeepLastGoodBundle()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("good", ConfigMap);
        hub.Renderer.SetError("broken", "guestbook/deployment.yaml: line 3: mapping values are not allowed here");
        await hub.RegisterClusterAsync("keeper");
        var before = await CreateAppAsync(hub, "fragile", "good");
        var healthy = await CreateAppAsync(hub, "healthy", "good");

        hub.Git.SetHead(RepoUrl, "main", "broken");
        await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "fragile" });

        var after = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "fragile" });
        Assert.Contains("mapping values are not allowed", after.Status.Error);
        var target = Assert.Single(after.Status.Targets);
        Assert.Equal(Assert.Single(before.Status.Targets).Generation, target.Generation);
        Assert.Equal("good", target.DesiredRevision);
        var other = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "healthy" });
        Assert.Equal("", other.Status.Error);
        var events = await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/fragile" });
        Assert.Contains(events.Events, e => e.Type == "Error");
        Assert.NotEmpty((await hub.Fleet.ListClustersAsync(new ListClustersRequest())).Clusters);

        hub.Git.SetHead(RepoUrl, "main", "good");
        var fixedApp = await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "fragile" });
        Assert.Equal("", fixedApp.Status.Error);
        Assert.NotNull(healthy);
    }

    [Fact]
    public async Task RegisterCluster_AfterApplicationExists_ClusterJoinsTargets()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        await CreateAppAsync(hub, "everywhere", "c1");

        await hub.RegisterClusterAsync("late-joiner");

        await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "everywhere" }).ResponseAsync,
            a => a.Status.Targets.Any(t => t.Cluster == "late-joiner" && t.Generation > 0), "late-joiner targeted");
    }

    [Fact]
    public async Task WatchEvents_ClusterConnects_StreamsEvent()
    {
        await using var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("watched");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = hub.Fleet.WatchEvents(new WatchEventsRequest { Object = "cluster/watched" }, cancellationToken: cts.Token);
        // The watcher has subscribed once the response headers arrive.
        await watch.ResponseHeadersAsync;

        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "watched");
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("ClusterConnected", watch.ResponseStream.Current.Type);
    }

    [Fact]
    public async Task DeleteApplication_ConnectedAgent_ReceivesRemove()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var credential = await hub.RegisterClusterAsync("cleaner");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "cleaner");
        await agent.NextAsync();
        await CreateAppAsync(hub, "temporary", "c1");
        var desired = await NextDesiredAsync(agent);

        await hub.Fleet.DeleteApplicationAsync(new DeleteApplicationRequest { Name = "temporary", Prune = true });

        var remove = await agent.NextAsync();
        Assert.Equal(HubMessage.BodyOneofCase.Remove, remove.BodyCase);
        Assert.True(remove.Remove.Prune);
        Assert.True(remove.Remove.Generation > desired.Generation);
    }

    [Fact]
    public async Task Connect_AgentAppliedGenerationFromOlderHub_StillReceivesDesired()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var credential = await hub.RegisterClusterAsync("veteran");
        await CreateAppAsync(hub, "inherited", "c1");

        // The agent applied generation 42 from a hub whose data is gone; the fresh hub's generation must still be newer.
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "veteran", new Dictionary<string, long> { ["inherited"] = 42 });
        await agent.NextAsync();
        var desired = await NextDesiredAsync(agent);

        Assert.True(desired.Generation > 42);
    }

    [Fact]
    public async Task ReportStatus_StaleOrForeignApp_Ignored()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        hub.Renderer.SetManifests("c2", ConfigMapGreen);
        var credential = await hub.RegisterClusterAsync("noisy");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "noisy");
        await agent.NextAsync();
        await CreateAppAsync(hub, "ordered", "c1");
        var first = await NextDesiredAsync(agent);
        hub.Git.SetHead(RepoUrl, "main", "c2");
        await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "ordered" });
        var second = await NextDesiredAsync(agent);

        await agent.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        await agent.SendAsync(Status(first, SyncStatus.OutOfSync, HealthStatus.Degraded));
        await agent.SendAsync(new AgentMessage { Status = new AppStatus { App = "not-mine", Generation = 1, Sync = SyncStatus.Synced } });
        var barrier = Status(second, SyncStatus.Synced, HealthStatus.Healthy);
        barrier.Status.Message = "barrier";
        await agent.SendAsync(barrier);

        // Messages of one stream are handled in order: once the barrier shows, the stale status was handled too.
        var app = await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "ordered" }).ResponseAsync,
            a => a.Status.Targets[0].Message == "barrier", "the barrier status");
        var events = await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/ordered" });
        Assert.DoesNotContain(events.Events, e => e.Type == "ApplicationDegraded");
        Assert.Equal(SyncStatus.Synced, app.Status.Sync);
        Assert.Equal(HealthStatus.Healthy, app.Status.Health);
        Assert.Equal(second.Generation, app.Status.Targets[0].ObservedGeneration);
        Assert.Equal("c2", app.Status.Targets[0].ObservedRevision);
    }

    [Fact]
    public async Task ListApplications_TwoApps_BothListedInNameOrder()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        await CreateAppAsync(hub, "zeta", "c1");
        await CreateAppAsync(hub, "alpha", "c1");

        var listed = await hub.Fleet.ListApplicationsAsync(new ListApplicationsRequest());

        Assert.Equal(["alpha", "zeta"], listed.Applications.Select(a => a.Name));
        Assert.All(listed.Applications, a => Assert.Equal("apps", a.Spec.Source.Repo));
    }

    [Fact]
    public async Task CreateApplication_Twice_AlreadyExistsUnlessUpsert()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        await CreateAppAsync(hub, "once", "c1");

        var again = new CreateApplicationRequest
        {
            Application = new Application { Name = "once", Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "apps", Path = "other" } } },
        };
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => hub.Fleet.CreateApplicationAsync(again).ResponseAsync);
        again.Upsert = true;
        var updated = await hub.Fleet.CreateApplicationAsync(again);

        Assert.Equal(global::Grpc.Core.StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("other", updated.Spec.Source.Path);
    }
}
