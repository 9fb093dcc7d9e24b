using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>The whole hub (its only silo) killed and started again on the same Redis: state kept, the agent comes back.</summary>
[Collection(HubProcessesCollection.Name)]
public sealed class HubRestartTests : IClassFixture<RedisServer>
{
    private readonly RedisServer _redis;

    public HubRestartTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task KillWholeHub_RestartOnSameRedis_RecordsKeptAndAgentReconnects()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var tokenFile = Path.Combine(Path.GetTempPath(), "gitopsfleet-admin-" + Guid.NewGuid().ToString("N"));
        // A fixed silo port, as in production: the restarted silo supersedes its dead entry in the membership
        // table at once (a silo on a new port would wait for the dead one to be declared dead first).
        var siloPort = RedisServer.FreePort();
        await using var first = await HubProcess.StartAsync(_redis.Endpoint, tokenFile, ct, siloPort: siloPort);
        var grpcPort = first.GrpcAddress.Port;
        var auth = new Metadata { { "authorization", $"Bearer {(await File.ReadAllTextAsync(tokenFile, ct)).Trim()}" } };
        File.Delete(tokenFile);
        using var channel = GrpcChannel.ForAddress(first.GrpcAddress);
        var fleet = new FleetService.FleetServiceClient(channel);
        await fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = "https://git.example/apps.git" } }, auth, cancellationToken: ct);
        var join = await fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, auth, cancellationToken: ct);

        await using var simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, ct);
        var cluster = await simulator.AddClusterAsync("east", ct);
        using var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
        using var agent = new CancellationTokenSource();
        var runner = new AgentRunner(
            new AgentOptions
            {
                HubUrl = first.GrpcAddress.ToString(),
                JoinToken = join.Token,
                ClusterName = "east",
                ReconnectBase = TimeSpan.FromMilliseconds(200),
                ReconnectCap = TimeSpan.FromSeconds(1),
            },
            kubernetes,
            NullLoggerFactory.Instance);
        var agentTask = Task.Run(() => runner.RunAsync(agent.Token), CancellationToken.None);
        HubProcess? second = null;
        try
        {
            await Eventually.TrueAsync(async () => (await fleet.ListClustersAsync(new ListClustersRequest(), auth, cancellationToken: ct)).Clusters
                .Any(c => c.Name == "east" && c.Connected), "east connected to the first hub", ct);

            await first.DisposeAsync(); // SIGKILL; disposing again at the end does nothing
            var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            second = await HubProcess.StartAsync(_redis.Endpoint, adminTokenFile: null, ct, grpcPort, siloPort);

            // Same address, same Redis: the old admin token still works, the records are there, the agent is back.
            await Eventually.TrueAsync(async () => (await fleet.ListClustersAsync(new ListClustersRequest(), auth, cancellationToken: ct)).Clusters
                .Any(c => c.Name == "east" && c.Connected && c.LastSeenUnixMs > restartedAt), "east reconnected to the restarted hub", ct);
            var repositories = await fleet.ListRepositoriesAsync(new ListRepositoriesRequest(), auth, cancellationToken: ct);
            Assert.Contains(repositories.Repositories, r => r.Name == "apps");
        }
        finally
        {
            await agent.CancelAsync();
            await agentTask.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None);
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
