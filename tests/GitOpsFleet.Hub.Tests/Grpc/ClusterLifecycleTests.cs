using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Grpc;

public sealed class ClusterLifecycleTests
{
    [Fact]
    public async Task ListClusters_Selector_ReturnsMatchingOnly()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.RegisterClusterAsync("eu-prod", ("env", "prod"), ("region", "eu"));
        await hub.RegisterClusterAsync("us-prod", ("env", "prod"), ("region", "us"));
        await hub.RegisterClusterAsync("eu-dev", ("env", "dev"), ("region", "eu"));

        var prodEu = await hub.Fleet.ListClustersAsync(new ListClustersRequest { Selector = "env=prod,region=eu" });
        var all = await hub.Fleet.ListClustersAsync(new ListClustersRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.ListClustersAsync(new ListClustersRequest { Selector = "env" }).ResponseAsync);

        Assert.Equal("eu-prod", Assert.Single(prodEu.Clusters).Name);
        Assert.Equal(3, all.Clusters.Count);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task RemoveCluster_ConnectedAgent_StreamEndsAndCredentialRefused()
    {
        await using var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("doomed");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "doomed");
        await agent.NextAsync();

        await hub.Fleet.RemoveClusterAsync(new RemoveClusterRequest { Name = "doomed" });

        await Assert.ThrowsAnyAsync<Exception>(() => agent.NextAsync());
        await using var again = await FakeAgent.ConnectAsync(hub.Agents, credential, "doomed");
        var refused = await Assert.ThrowsAsync<RpcException>(() => again.NextAsync());
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "doomed" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Connect_HelloNamesOtherCluster_StreamStaysWithCredentialCluster()
    {
        await using var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("honest");
        await hub.RegisterClusterAsync("other");

        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "other");
        var welcome = await agent.NextAsync();

        Assert.Equal("honest", welcome.Welcome.ClusterName);
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "honest" }).ResponseAsync, c => c.Connected, "honest connected");
        Assert.False((await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "other" })).Connected);
    }

    [Fact]
    public async Task Restart_SameDataDir_AgentCatchesUpFromStoredBundle()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        string credential;
        long generation;
        await using (var first = await TestHub.StartAsync(dataDirectory))
        {
            first.Git.SetHead("https://git.example/r.git", "", "c1");
            first.Renderer.SetManifests("c1", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kept"}}""");
            credential = await first.RegisterClusterAsync("survivor");
            var app = await first.Fleet.CreateApplicationAsync(new CreateApplicationRequest
            {
                Application = new Application
                {
                    Name = "durable",
                    Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "https://git.example/r.git" } },
                },
            });
            generation = Assert.Single(app.Status.Targets).Generation;
        }

        await using var second = await TestHub.StartAsync(dataDirectory);
        await using var agent = await FakeAgent.ConnectAsync(second.Agents, credential, "survivor");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);
        var desired = await agent.NextAsync();

        Assert.Equal(generation, desired.Desired.Generation);
        Assert.Equal("c1", desired.Desired.Revision);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Restart_AgentConnectedAtShutdown_TargetShownDisconnectedAfterwards()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        var first = await TestHub.StartAsync(dataDirectory);
        first.Git.SetHead("https://git.example/r.git", "", "c1");
        first.Renderer.SetManifests("c1", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kept"}}""");
        var credential = await first.RegisterClusterAsync("abandoned");
        await using var agent = await FakeAgent.ConnectAsync(first.Agents, credential, "abandoned");
        await agent.NextAsync();
        await first.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application { Name = "orphaned", Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "https://git.example/r.git" } } },
        });
        await Eventually.UntilAsync(() => first.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "orphaned" }).ResponseAsync,
            a => a.Status.Targets.Count == 1 && a.Status.Targets[0].Connected, "target connected");
        await first.DisposeAsync();

        await using var second = await TestHub.StartAsync(dataDirectory);
        var app = await second.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "orphaned" });

        Assert.False(Assert.Single(app.Status.Targets).Connected);
        Assert.NotEqual(HealthStatus.Healthy, app.Status.Health);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
