using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>The whole hub (its only silo) killed and started again on the same Redis: state kept, the agent comes back.</summary>
[Collection(HubProcessesCollection.Name)]
public sealed class HubRestartTests : IClassFixture<RedisServer>
{
    private static readonly Dictionary<string, string> Clusters = new() { ["east"] = "1" };
    private readonly RedisServer _redis;

    public HubRestartTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task KillWholeHub_RestartOnSameRedis_RecordsKeptAndAgentReconnects()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        // A fixed silo port, as in production: the restarted silo supersedes its dead entry in the membership
        // table at once (a silo on a new port would wait for the dead one to be declared dead first).
        var siloPort = RedisServer.FreePort();
        await using var bed = await RedisFleetBed.StartAsync(_redis.Endpoint, silos: 1, Clusters, ct, siloPort: siloPort);
        var grpcPort = bed.Silos[0].GrpcAddress.Port;
        var fleet = bed.Fleet(0);
        await fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = "https://git.example/apps.git" } }, bed.Auth, cancellationToken: ct);
        await Eventually.TrueAsync(async () => (await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct)).Clusters
            .Any(c => c.Name == "east" && c.Connected), "east connected to the first hub", ct);

        await bed.Silos[0].DisposeAsync(); // SIGKILL; disposing again at the end does nothing
        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // The bed disposes the restarted hub.
        bed.Silos[0] = await HubProcess.StartAsync(_redis.Endpoint, adminTokenFile: null, ct, grpcPort, siloPort);

        // Same address, same Redis: the old admin token still works, the records are there, the agent is back.
        await Eventually.TrueAsync(async () => (await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct)).Clusters
            .Any(c => c.Name == "east" && c.Connected && c.LastSeenUnixMs > restartedAt), "east reconnected to the restarted hub", ct);
        var repositories = await fleet.ListRepositoriesAsync(new ListRepositoriesRequest(), bed.Auth, cancellationToken: ct);
        Assert.Contains(repositories.Repositories, r => r.Name == "apps");
    }
}
