using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>Two hub silos as separate processes on one Redis: one hub; a SIGKILLed silo's agents move to the other.</summary>
[Collection(HubProcessesCollection.Name)]
public sealed class SiloFailoverTests : IClassFixture<RedisServer>
{
    private static readonly Dictionary<string, string> Clusters = new() { ["east"] = "1", ["west"] = "1" };
    private readonly RedisServer _redis;

    public SiloFailoverTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task KillSilo_AgentsOnIt_ReconnectToOtherSiloAndNothingIsLost()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        // The bed gives every agent silo A's address first: both agents start there and must move to B when A dies.
        await using var bed = await RedisFleetBed.StartAsync(_redis.Endpoint, silos: 2, Clusters, ct);
        var fleetA = bed.Fleet(0);
        var fleetB = bed.Fleet(1);

        // One hub: a record written through silo A is read through silo B.
        await fleetA.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = "https://git.example/apps.git" } }, bed.Auth, cancellationToken: ct);
        await Eventually.TrueAsync(async () => (await fleetB.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct)).Clusters
            .Count(c => c.Connected) == Clusters.Count, "both clusters connected (seen through silo B)", ct);

        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        bed.Silos[0].Kill();

        // The agents' streams to A broke; they reconnect to B and their clusters show connected with fresh contact.
        await Eventually.TrueAsync(async () =>
        {
            var listed = (await fleetB.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct)).Clusters;
            return Clusters.Keys.All(name => listed.Any(c => c.Name == name && c.Connected && c.LastSeenUnixMs > killedAt));
        }, "both clusters reconnected to silo B after silo A was killed", ct);

        var repositories = await fleetB.ListRepositoriesAsync(new ListRepositoriesRequest(), bed.Auth, cancellationToken: ct);
        Assert.Contains(repositories.Repositories, r => r.Name == "apps" && r.Url == "https://git.example/apps.git");
        var clusterList = await fleetB.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct);
        Assert.Equal(Clusters.Keys.Order(), clusterList.Clusters.Select(c => c.Name).Order());
    }
}
