using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Security;

/// <summary>The hub knows a stream's cluster from its credential alone: names inside the messages change nothing.</summary>
public sealed class AgentIsolationTests
{
    private const string RepoUrl = "https://git.example/isolation.git";

    [Fact]
    public async Task Connect_MessagesNamingAnotherCluster_ChangeNothingThere()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "iso", Url = RepoUrl } });
        await hub.RegisterClusterAsync("east", ("env", "prod"));
        var westCredential = await hub.RegisterClusterAsync("west", ("env", "dev"));
        await CreateAppAsync(hub, "web", "prod");
        await CreateAppAsync(hub, "tools", "dev");

        // West's agent claims to be east in Hello.
        await using var west = await FakeAgent.ConnectAsync(hub.Agents, westCredential, "east");
        var welcome = await west.NextAsync();
        var own = await NextDesiredAsync(west);

        // A status for east's application, then one for its own (the second is the barrier: once it
        // shows, the hub has handled the first).
        await west.SendAsync(Status("web", own.Generation + 1000, own.Revision));
        await west.SendAsync(Status(own.App, own.Generation, own.Revision));
        await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "tools" }).ResponseAsync,
            a => a.Status.Sync == SyncStatus.Synced, "tools Synced on west");
        var web = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "web" });
        var east = await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "east" });
        var westCluster = await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "west" });

        Assert.Equal("west", welcome.Welcome.ClusterName);
        Assert.Equal("tools", own.App);
        Assert.False(east.Connected);
        Assert.True(westCluster.Connected);
        var target = Assert.Single(web.Status.Targets);
        Assert.Equal("east", target.Cluster);
        Assert.NotEqual(SyncStatus.Synced, target.Sync);
        Assert.NotEqual(HealthStatus.Healthy, target.Health);
        Assert.Equal(0, target.ObservedGeneration);
        Assert.DoesNotContain("web", westCluster.Applications);
    }

    private static async Task CreateAppAsync(TestHub hub, string name, string env)
    {
        var destination = new ApplicationDestination { Namespace = "apps" };
        destination.ClusterSelector["env"] = env;
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "iso", Path = name, Revision = "main" },
                    Destination = destination,
                    SyncPolicy = new SyncPolicy { Automated = true },
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

    private static AgentMessage Status(string app, long generation, string revision) => new()
    {
        Status = new AppStatus
        {
            App = app,
            Generation = generation,
            Revision = revision,
            Sync = SyncStatus.Synced,
            Health = HealthStatus.Healthy,
            Phase = OperationPhase.Succeeded,
            Full = true,
        },
    };
}
