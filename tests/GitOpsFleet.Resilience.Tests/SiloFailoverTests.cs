using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>Two hub silos as separate processes on one Redis: one hub; a SIGKILLed silo's agents move to the other.</summary>
[Collection(HubProcessesCollection.Name)]
public sealed class SiloFailoverTests : IClassFixture<RedisServer>
{
    private readonly RedisServer _redis;

    public SiloFailoverTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task KillSilo_AgentsOnIt_ReconnectToOtherSiloAndNothingIsLost()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var tokenFile = Path.Combine(Path.GetTempPath(), "gitopsfleet-admin-" + Guid.NewGuid().ToString("N"));
        await using var siloA = await HubProcess.StartAsync(_redis.Endpoint, tokenFile, ct);
        await using var siloB = await HubProcess.StartAsync(_redis.Endpoint, adminTokenFile: null, ct);
        var auth = new Metadata { { "authorization", $"Bearer {(await File.ReadAllTextAsync(tokenFile, ct)).Trim()}" } };
        File.Delete(tokenFile);
        using var channelA = GrpcChannel.ForAddress(siloA.GrpcAddress);
        using var channelB = GrpcChannel.ForAddress(siloB.GrpcAddress);
        var fleetA = new FleetService.FleetServiceClient(channelA);
        var fleetB = new FleetService.FleetServiceClient(channelB);

        // One hub: a record written through silo A is read through silo B.
        await fleetA.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = "https://git.example/apps.git" } }, auth, cancellationToken: ct);
        var join = await fleetB.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, auth, cancellationToken: ct);

        await using var simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, ct);
        using var agents = new CancellationTokenSource();
        var agentTasks = new List<Task>();
        var clusters = new[] { "east", "west" };
        var clients = new List<IKubernetes>();
        foreach (var name in clusters)
        {
            var cluster = await simulator.AddClusterAsync(name, ct);
            var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            clients.Add(kubernetes);
            var runner = new AgentRunner(
                new AgentOptions
                {
                    // Silo A first: both agents start there and must move to B when A dies.
                    HubUrl = $"{siloA.GrpcAddress},{siloB.GrpcAddress}",
                    JoinToken = join.Token,
                    ClusterName = name,
                    ReconnectBase = TimeSpan.FromMilliseconds(200),
                    ReconnectCap = TimeSpan.FromSeconds(1),
                },
                kubernetes,
                NullLoggerFactory.Instance);
            agentTasks.Add(Task.Run(() => runner.RunAsync(agents.Token), CancellationToken.None));
        }
        try
        {
            await Eventually.TrueAsync(async () => (await fleetB.ListClustersAsync(new ListClustersRequest(), auth, cancellationToken: ct)).Clusters
                .Count(c => c.Connected) == clusters.Length, "both clusters connected (seen through silo B)", ct);

            var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            siloA.Kill();

            // The agents' streams to A broke; they reconnect to B and their clusters show connected with fresh contact.
            await Eventually.TrueAsync(async () =>
            {
                var listed = (await fleetB.ListClustersAsync(new ListClustersRequest(), auth, cancellationToken: ct)).Clusters;
                return clusters.All(name => listed.Any(c => c.Name == name && c.Connected && c.LastSeenUnixMs > killedAt));
            }, "both clusters reconnected to silo B after silo A was killed", ct);

            var repositories = await fleetB.ListRepositoriesAsync(new ListRepositoriesRequest(), auth, cancellationToken: ct);
            Assert.Contains(repositories.Repositories, r => r.Name == "apps" && r.Url == "https://git.example/apps.git");
            var clusterList = await fleetB.ListClustersAsync(new ListClustersRequest(), auth, cancellationToken: ct);
            Assert.Equal(clusters.Order(), clusterList.Clusters.Select(c => c.Name).Order());
        }
        finally
        {
            await agents.CancelAsync();
            await Task.WhenAll(agentTasks).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None);
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
