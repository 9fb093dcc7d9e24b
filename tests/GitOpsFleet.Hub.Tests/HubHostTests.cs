using System.Net;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests;

public sealed class HubHostTests
{
    [Fact]
    public async Task StartAsync_FreePorts_ServesHealthAndReadiness()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Host.HttpAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await Eventually.UntilAsync(() => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, "/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("127.0.0.1", hub.Host.HttpAddress.Host);
        Assert.NotEqual(hub.Host.HttpAddress.Port, hub.Host.GrpcAddress.Port);
    }

    [Fact]
    public async Task StartAsync_TwoHubsSideBySide_BothServe()
    {
        await using var first = await TestHub.StartAsync();
        await using var second = await TestHub.StartAsync();

        await first.Fleet.ListClustersAsync(new ListClustersRequest());
        await second.Fleet.ListClustersAsync(new ListClustersRequest());
        Assert.NotEqual(first.Host.GrpcAddress, second.Host.GrpcAddress);
        Assert.NotEqual(first.AdminToken, second.AdminToken);
    }

    [Fact]
    public async Task StartAsync_SameDataDirTwice_KeepsAdminTokenAndState()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        string adminToken;
        await using (var first = await TestHub.StartAsync(dataDirectory))
        {
            adminToken = first.AdminToken;
            Assert.Equal(adminToken, (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin-token"))).Trim());
            await first.RegisterClusterAsync("kept");
        }

        var options = new HubOptions { HttpPort = 0, GrpcPort = 0, DataDirectory = dataDirectory, ListenAddress = "127.0.0.1" };
        await using var second = await HubHost.StartAsync(options, CancellationToken.None);
        Assert.Null(second.InitialAdminToken);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(second.GrpcAddress);
        var fleet = new FleetService.FleetServiceClient(channel);
        var headers = new global::Grpc.Core.Metadata { { "authorization", $"Bearer {adminToken}" } };
        var cluster = await fleet.GetClusterAsync(new GetClusterRequest { Name = "kept" }, headers);
        Assert.Equal("kept", cluster.Name);
    }

    [Fact]
    public async Task DisposeAsync_AgentStillConnected_StopsPromptlyAndEndsStream()
    {
        var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("lingering");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "lingering");
        await agent.NextAsync();
        using var watch = hub.Fleet.WatchEvents(new WatchEventsRequest());
        await watch.ResponseHeadersAsync;

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await hub.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"hub took {stopwatch.Elapsed} to stop");
        await Assert.ThrowsAnyAsync<Exception>(() => agent.NextAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task StartAsync_GivenPortTaken_FailsWithAddressInUse()
    {
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        var options = new HubOptions { HttpPort = taken, GrpcPort = 0, DataDirectory = dataDirectory, ListenAddress = "127.0.0.1" };

        var error = await Assert.ThrowsAsync<IOException>(() => HubHost.StartAsync(options, CancellationToken.None));

        Assert.Contains(taken.ToString(), error.Message);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public void HubCommandLine_Flags_SetOptions()
    {
        var options = HubCommandLine.Parse(["--http-port", "9090", "--grpc-port", "9091", "--data-dir", "/tmp/x", "--demo"]);

        Assert.Equal(9090, options.HttpPort);
        Assert.Equal(9091, options.GrpcPort);
        Assert.Equal("/tmp/x", options.DataDirectory);
        Assert.True(options.Demo);
        Assert.Throws<ArgumentException>(() => HubCommandLine.Parse(["--http-port", "8080", "--grpc-port", "8080"]));
        Assert.Throws<ArgumentException>(() => HubCommandLine.Parse(["--nope"]));
    }
}
