using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// Issue 8, fault 2: redis-server is SIGKILLed under a running hub and started again on the same port and
/// append-only file. The hub regains service, agents stay connected, a new commit reaches the clusters, no record is lost.
/// </summary>
[Collection(HubProcessesCollection.Name)]
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
        // Two silos: membership, grain state and reminders all live in the Redis that goes away.
        await using var bed = await RedisFleetBed.StartAsync(_redis.Endpoint, silos: 2, Clusters, ct);
        var fleet = bed.Fleet(0);
        var v1 = bed.Git.CommitVersion("v1");
        await bed.CreateApplicationAsync(fleet, strategy: null, ct);
        await bed.WaitForAllAtAsync(fleet, v1, "v1", ct);
        var clustersBefore = await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct);
        Assert.All(clustersBefore.Clusters, c => Assert.True(c.Connected, $"cluster {c.Name} connected before the restart"));

        await _redis.StopAsync();
        // A call that needs the store while it is gone fails (in bounded time) rather than pretending to succeed.
        var during = await Assert.ThrowsAsync<RpcException>(() => fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = "during-outage", Url = "https://git.example/outage.git" },
        }, bed.Auth, deadline: DateTime.UtcNow.AddSeconds(40), cancellationToken: ct).ResponseAsync);
        // Transient, so Unavailable: the hub's storage failed and the call can be retried.
        Assert.True(during.StatusCode == StatusCode.Unavailable, $"{during.StatusCode}: {during.Status.Detail}");
        Assert.Contains("the hub's storage failed", during.Status.Detail);
        await _redis.StartAgainAsync();

        foreach (var silo in bed.Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.HttpAddress };
            await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz", ct)).IsSuccessStatusCode, $"/readyz of {silo.HttpAddress} answers 200 after Redis came back", ct);
        }
        // The records written before the kill are all there, read through the hub.
        await Eventually.TrueAsync(async () =>
        {
            var clusters = await fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth, cancellationToken: ct);
            return Clusters.Keys.All(name => clusters.Clusters.Any(c => c.Name == name && c.Connected));
        }, "both clusters listed and connected after the Redis restart", ct);
        // The Redis client reconnects with its own backoff: calls that touch the store may fail for a few seconds more.
        ListRepositoriesResponse? repositories = null;
        await Eventually.TrueAsync(async () =>
        {
            repositories = await fleet.ListRepositoriesAsync(new ListRepositoriesRequest(), bed.Auth, cancellationToken: ct);
            return true;
        }, "the hub reads its store again (ListRepositories) after the Redis restart", ct);
        Assert.Contains(repositories!.Repositories, r => r.Name == "web-repo" && r.Url == bed.Git.Path);
        Assert.DoesNotContain(repositories.Repositories, r => r.Name == "during-outage");
        // The refused write left nothing half-made behind: the same call now works, through the other silo too.
        await bed.Fleet(1).AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "during-outage", Url = "https://git.example/outage.git" } },
            bed.Auth, cancellationToken: ct);
        var applications = await fleet.ListApplicationsAsync(new ListApplicationsRequest(), bed.Auth, cancellationToken: ct);
        Assert.Contains(applications.Applications, a => a.Name == RedisFleetBed.App);

        // And the hub still delivers: a new commit, picked up by the poll, reaches both clusters.
        var v2 = bed.Git.CommitVersion("v2");
        await bed.WaitForAllAtAsync(fleet, v2, "v2", ct);
        var events = await fleet.ListEventsAsync(new ListEventsRequest { Object = $"application/{RedisFleetBed.App}", Limit = 100 }, bed.Auth, cancellationToken: ct);
        Assert.Contains(events.Events, e => e.Type == "ApplicationSynced" && e.Message.Contains(v2, StringComparison.Ordinal));
    }
}
