using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// Issue 8, fault 2: redis-server is SIGKILLed under a running hub and started again on the same port and
/// append-only file. The hub regains service, agents stay connected, a new commit reaches the clusters, no record is lost.
/// </summary>
public sealed class RedisRestartTests : IClassFixture<PersistentRedisServer>
{
    private static readonly Dictionary<string, string> Clusters = new() { ["p1"] = "1", ["p2"] = "1" };
    private readonly PersistentRedisServer _redis;

    public RedisRestartTests(PersistentRedisServer redis) => _redis = redis;

    [Fact]
    public async Task RestartRedis_UnderRunningHub_ServiceBackAgentsConnectedNewCommitDeliveredNothingLost()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await using var bed = await RedisFleetBed.StartAsync(_redis.Endpoint, silos: 1, Clusters, ct);
        var fleet = bed.Fleet(0);
        var v1 = bed.Git.CommitVersion("v1");
        await bed.CreateApplicationAsync(fleet, strategy: null, ct);
        await bed.WaitForAllAtAsync(fleet, v1, "v1", ct);
        var clustersBefore = await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct);
        Assert.All(clustersBefore.Clusters, c => Assert.True(c.Connected, $"cluster {c.Name} connected before the restart"));

        await _redis.RestartAsync(TimeSpan.FromSeconds(3), ct);

        using var http = new HttpClient { BaseAddress = bed.Silos[0].HttpAddress };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz", ct)).IsSuccessStatusCode, "/readyz answers 200 after Redis came back", ct);
        // The records written before the kill are all there, read through the hub.
        await Eventually.TrueAsync(async () =>
        {
            var clusters = await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct);
            return Clusters.Keys.All(name => clusters.Clusters.Any(c => c.Name == name && c.Connected));
        }, "both clusters listed and connected after the Redis restart", ct);
        var repositories = await fleet.ListRepositoriesAsync(new ListRepositoriesRequest(), bed.Auth, cancellationToken: ct);
        Assert.Contains(repositories.Repositories, r => r.Name == "web-repo" && r.Url == bed.Git.Path);
        var applications = await fleet.ListApplicationsAsync(new ListApplicationsRequest(), bed.Auth, cancellationToken: ct);
        Assert.Contains(applications.Applications, a => a.Name == RedisFleetBed.App);

        // And the hub still delivers: a new commit, picked up by the poll, reaches both clusters.
        var v2 = bed.Git.CommitVersion("v2");
        await bed.WaitForAllAtAsync(fleet, v2, "v2", ct);
        var events = await fleet.ListEventsAsync(new ListEventsRequest { Object = $"application/{RedisFleetBed.App}", Limit = 100 }, bed.Auth, cancellationToken: ct);
        Assert.Contains(events.Events, e => e.Type == "ApplicationSynced" && e.Message.Contains(v2, StringComparison.Ordinal));
    }
}
