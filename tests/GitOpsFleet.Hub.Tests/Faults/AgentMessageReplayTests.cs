using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Faults;

/// <summary>
/// Issue 8, fault 5: duplicated, reordered and replayed agent messages over real gRPC with a real cluster
/// credential. The hub's view never goes back to an older generation or revision and no event is duplicated.
/// (One stream's reordering, a newer generation then an older one, is ApplicationFlowTests.ReportStatus_StaleOrForeignApp_Ignored.)
/// </summary>
public sealed class AgentMessageReplayTests
{
    private const string RepoUrl = "https://git.example/replay.git";
    private const string Blue = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}""";
    private const string Green = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"green"}}""";

    [Fact]
    public async Task ReportStatus_SameMessageTwice_OneEventPerTransition()
    {
        await using var hub = await TestHub.StartAsync();
        var (agent, _, _, second) = await TwoGenerationsAsync(hub, "dup", "twice");
        await using var disposeAgent = agent;

        await agent.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        await agent.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        await agent.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        var app = await BarrierAsync(hub, agent, second, "twice");

        Assert.Equal(second.Generation, app.Status.Targets[0].ObservedGeneration);
        var events = (await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/twice" })).Events;
        Assert.Single(events, e => e.Type == "ApplicationSynced");
        Assert.Single(events, e => e.Type == "ApplicationHealthy");
    }

    [Fact]
    public async Task ReportStatus_OldGenerationReplayedAfterReconnect_Ignored()
    {
        await using var hub = await TestHub.StartAsync();
        var (agent, credential, first, second) = await TwoGenerationsAsync(hub, "replayer", "replayed");
        await agent.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        await BarrierAsync(hub, agent, second, "replayed");
        await agent.DisposeAsync();
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "replayer" }).ResponseAsync, c => !c.Connected, "first stream gone");

        // The agent comes back (it applied the second generation) and replays what it had queued before the break.
        await using var again = await FakeAgent.ConnectAsync(hub.Agents, credential, "replayer", new Dictionary<string, long> { ["replayed"] = second.Generation });
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await again.NextAsync()).BodyCase);
        await BarrierAsync(hub, again, second, "replayed");
        var before = (await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/replayed" })).Events.Select(e => e.Id).ToList();
        await again.SendAsync(Status(first, SyncStatus.OutOfSync, HealthStatus.Degraded));
        await again.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        var app = await BarrierAsync(hub, again, second, "replayed");

        Assert.Equal(second.Generation, app.Status.Targets[0].ObservedGeneration);
        Assert.Equal("c2", app.Status.Targets[0].ObservedRevision);
        Assert.Equal(SyncStatus.Synced, app.Status.Sync);
        Assert.Equal(HealthStatus.Healthy, app.Status.Health);
        var events = (await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/replayed" })).Events;
        Assert.DoesNotContain(events, e => e.Type == "ApplicationDegraded");
        // Back to Healthy on reconnect is one event (before the replay); the replay itself adds none.
        Assert.Equal(before, events.Select(e => e.Id).ToList());
    }

    [Fact]
    public async Task ReportStatus_FromSupersededStream_Ignored()
    {
        await using var hub = await TestHub.StartAsync();
        var (old, credential, _, second) = await TwoGenerationsAsync(hub, "twin", "superseded");
        await using var disposeOld = old;
        await old.SendAsync(Status(second, SyncStatus.Synced, HealthStatus.Healthy));
        await BarrierAsync(hub, old, second, "superseded");

        // A second stream with the same credential wins; the hub ends the first one.
        await using var current = await FakeAgent.ConnectAsync(hub.Agents, credential, "twin", new Dictionary<string, long> { ["superseded"] = second.Generation });
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await current.NextAsync()).BodyCase);
        await DrainUntilEndedAsync(old);
        try
        {
            await old.SendAsync(Status(second, SyncStatus.OutOfSync, HealthStatus.Degraded));
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The ended stream may refuse the write outright: just as good.
        }
        var app = await BarrierAsync(hub, current, second, "superseded");

        Assert.Equal(HealthStatus.Healthy, app.Status.Health);
        var events = (await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "application/superseded" })).Events;
        Assert.DoesNotContain(events, e => e.Type == "ApplicationDegraded");
    }

    /// <summary>Registers the cluster, connects, creates the application at c1 and moves it to c2: two Desired messages.</summary>
    private static async Task<(FakeAgent Agent, string Credential, Desired First, Desired Second)> TwoGenerationsAsync(TestHub hub, string cluster, string app)
    {
        hub.Renderer.SetManifests("c1", Blue);
        hub.Renderer.SetManifests("c2", Green);
        var credential = await hub.RegisterClusterAsync(cluster);
        var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, cluster);
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "replay", Url = RepoUrl }, Upsert = true });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = app,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "replay", Path = "guestbook", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "web" },
                    SyncPolicy = new SyncPolicy { Automated = true },
                },
            },
        });
        var first = await NextDesiredAsync(agent);
        hub.Git.SetHead(RepoUrl, "main", "c2");
        await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = app });
        var second = await NextDesiredAsync(agent);
        Assert.True(second.Generation > first.Generation);
        return (agent, credential, first, second);
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

    /// <summary>Messages of one stream are handled in order: once the barrier shows, everything before it was handled.</summary>
    private static async Task<Application> BarrierAsync(TestHub hub, FakeAgent agent, Desired desired, string app)
    {
        var barrier = Status(desired, SyncStatus.Synced, HealthStatus.Healthy);
        barrier.Status.Message = "barrier-" + Guid.NewGuid().ToString("N");
        await agent.SendAsync(barrier);
        return await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = app }).ResponseAsync,
            a => a.Status.Targets[0].Message == barrier.Status.Message, $"the barrier status of {app}");
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
        },
    };

    private static async Task DrainUntilEndedAsync(FakeAgent agent)
    {
        try
        {
            while (true)
            {
                await agent.NextAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (Exception ex) when (ex is System.Threading.Channels.ChannelClosedException or RpcException)
        {
            // The hub ended the stream.
        }
    }
}
