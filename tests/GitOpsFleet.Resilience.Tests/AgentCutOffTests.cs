using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using k8s;
using k8s.Models;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// Issue 8, faults 6 and 7: an agent cut off from a running hub keeps healing and the hub never shows it
/// Healthy while cut off; an agent whose hub lost its data (a fresh hub on the same address) deletes nothing.
/// </summary>
[Collection(HubProcessesCollection.Name)]
public sealed class AgentCutOffTests : IAsyncLifetime
{
    private readonly GitTestRepository _git = GitTestRepository.Create();
    private readonly LogCapture _logs = new();
    private readonly List<(CancellationTokenSource Stop, Task Run)> _agents = [];
    private SimulatedClusterHost _simulator = null!;
    private Kubernetes _cluster = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, CancellationToken.None);
        var cluster = await _simulator.AddClusterAsync("edge", CancellationToken.None);
        _cluster = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
    }

    [Fact]
    public async Task CutOff_AgentHealsLocally_HubShowsDisconnectedNeverHealthy_CatchesUpOnReconnect()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var hub = await LocalHub.StartAsync(ct);
        await using var cutter = new TcpCutter(hub.Host.GrpcAddress.Port);
        var v1 = _git.CommitVersion("v1");
        await hub.CreateApplicationAsync(_git, ct);
        StartAgent(cutter.Address.ToString(), await hub.JoinTokenAsync(ct));
        await WaitForTargetAsync(hub, t => t.Connected && t.ObservedRevision == v1 && t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy, "edge Synced and Healthy at v1", ct);

        cutter.Cut();
        await WaitForTargetAsync(hub, t => !t.Connected && t.Health == HealthStatus.Unknown, "edge shown disconnected with health Unknown", ct);
        var cluster = await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "edge" }, hub.Auth, cancellationToken: ct);
        Assert.False(cluster.Connected);

        // Cut off, the agent still heals a hand edit from its stored desired state.
        await TamperAsync(ct);
        await Eventually.TrueAsync(async () => await LiveVersionAsync(ct) == "v1", "the hand edit healed back to v1 while cut off", ct);
        var app = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = RedisFleetBed.App }, hub.Auth, cancellationToken: ct);
        Assert.NotEqual(HealthStatus.Healthy, app.Status.Health);
        Assert.All(app.Status.Targets, t => Assert.Equal(HealthStatus.Unknown, t.Health));

        var mendedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        cutter.Mend();
        // Back on the stream the agent reports its full state afresh.
        await WaitForTargetAsync(hub, t => t.Connected && t.UpdatedUnixMs >= mendedAt && t.ObservedRevision == v1
            && t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy, "edge reconnected and reported Synced and Healthy afresh", ct);
        var events = await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "cluster/edge", Limit = 100 }, hub.Auth, cancellationToken: ct);
        Assert.Contains(events.Events, e => e.Type == "ClusterDisconnected");
        Assert.True(events.Events.Count(e => e.Type == "ClusterConnected") >= 2, "connected, cut off, connected again");
    }

    [Fact]
    public async Task FreshHub_SameAddress_AgentDeletesNothingUntilApplicationRemovedExplicitly()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var old = await LocalHub.StartAsync(ct);
        var grpcPort = old.Host.GrpcAddress.Port;
        var v1 = _git.CommitVersion("v1");
        await old.CreateApplicationAsync(_git, ct);
        var hubUrl = old.Host.GrpcAddress.ToString();
        var first = StartAgent(hubUrl, await old.JoinTokenAsync(ct));
        await WaitForTargetAsync(old, t => t.ObservedRevision == v1 && t.Health == HealthStatus.Healthy, "edge Healthy at v1 on the old hub", ct);
        Assert.NotNull(await InventoryAsync(ct));

        // The hub's data is gone: a new hub with an empty data dir answers on the same address.
        await old.DisposeAsync(); // disposing again at the end does nothing
        await using var fresh = await LocalHub.StartAsync(ct, grpcPort);
        await Eventually.TrueAsync(() => Task.FromResult(_logs.Lines.Any(l => l.Contains("Registration failed (PermissionDenied", StringComparison.Ordinal))),
            "the agent says the fresh hub refused it (its credential and join token are unknown there)", ct);
        Assert.Contains(_logs.Lines, l => l.Contains("rejected the stored credential", StringComparison.Ordinal));
        Assert.Empty((await fresh.Fleet.ListClustersAsync(new ListClustersRequest(), fresh.Auth, cancellationToken: ct)).Clusters);
        Assert.Equal("v1", await LiveVersionAsync(ct));
        Assert.NotNull(await InventoryAsync(ct));
        // Refused by the hub, it still heals from its stored desired state.
        await TamperAsync(ct);
        await Eventually.TrueAsync(async () => await LiveVersionAsync(ct) == "v1", "the hand edit healed back to v1 with only the fresh hub there", ct);

        // A person joins the cluster to the fresh hub: welcomed with no applications, the agent still keeps its objects.
        await first.CancelAsync();
        StartAgent(hubUrl, await fresh.JoinTokenAsync(ct));
        await Eventually.TrueAsync(async () => (await fresh.Fleet.ListClustersAsync(new ListClustersRequest(), fresh.Auth, cancellationToken: ct)).Clusters
            .Any(c => c.Name == "edge" && c.Connected), "edge joined and connected to the fresh hub", ct);
        await Eventually.TrueAsync(() => Task.FromResult(_logs.Lines.Any(l => l.Contains("hub did not list it", StringComparison.Ordinal))),
            "the agent says the fresh hub does not know application web and keeps it", ct);
        Assert.Equal("v1", await LiveVersionAsync(ct));

        // Only an explicit removal deletes: the person takes the application over and deletes it with prune.
        await fresh.CreateApplicationAsync(_git, ct);
        await WaitForTargetAsync(fresh, t => t.ObservedRevision == v1 && t.Health == HealthStatus.Healthy, "edge Healthy at v1 on the fresh hub", ct);
        await fresh.Fleet.DeleteApplicationAsync(new DeleteApplicationRequest { Name = RedisFleetBed.App, Prune = true }, fresh.Auth, cancellationToken: ct);
        await Eventually.TrueAsync(async () => await LiveVersionAsync(ct) is null, "web-config pruned after the explicit delete", ct);
    }

    private CancellationTokenSource StartAgent(string hubUrl, string joinToken)
    {
        var runner = new AgentRunner(
            new AgentOptions
            {
                HubUrl = hubUrl,
                JoinToken = joinToken,
                ClusterName = "edge",
                ReconnectBase = TimeSpan.FromMilliseconds(200),
                ReconnectCap = TimeSpan.FromSeconds(1),
            },
            _cluster,
            _logs.Factory());
        var stop = new CancellationTokenSource();
        _agents.Add((stop, Task.Run(() => runner.RunAsync(stop.Token), CancellationToken.None)));
        return stop;
    }

    private static async Task WaitForTargetAsync(LocalHub hub, Func<TargetStatus, bool> done, string what, CancellationToken ct)
        => await Eventually.TrueAsync(async () =>
        {
            var app = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = RedisFleetBed.App }, hub.Auth, cancellationToken: ct);
            return app.Status.Targets.Count == 1 && done(app.Status.Targets[0]);
        }, what, ct);

    private Task TamperAsync(CancellationToken ct) =>
        _cluster.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"version":"tampered"}}""", V1Patch.PatchType.MergePatch),
            "web-config", RedisFleetBed.Namespace, cancellationToken: ct);

    private async Task<string?> LiveVersionAsync(CancellationToken ct)
    {
        try
        {
            return (await _cluster.CoreV1.ReadNamespacedConfigMapAsync("web-config", RedisFleetBed.Namespace, cancellationToken: ct)).Data["version"];
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<V1ConfigMap?> InventoryAsync(CancellationToken ct)
    {
        try
        {
            return await _cluster.CoreV1.ReadNamespacedConfigMapAsync("gitopsfleet-inventory-" + RedisFleetBed.App, new AgentOptions().Namespace, cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (stop, _) in _agents)
        {
            await stop.CancelAsync();
        }
        await Task.WhenAll(_agents.Select(a => a.Run)).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None);
        foreach (var (stop, _) in _agents)
        {
            stop.Dispose();
        }
        _cluster.Dispose();
        await _simulator.DisposeAsync();
        _git.Dispose();
        _logs.Dispose();
    }
}
