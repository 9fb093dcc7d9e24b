using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using k8s;

namespace GitOpsFleet.Kube.Tests.Integration;

/// <summary>What one apply per object tells: the action from resourceVersions, and the objects for the next assessment.</summary>
public sealed class ApplyResultTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static SyncRequest Request(params string[] manifests)
        => new("web", manifests, SyncOptions.Default with { DefaultNamespace = "shop", WaveTimeout = TimeSpan.FromSeconds(20) });

    [Fact]
    public async Task SyncAsync_ChangedThenSameAgain_VersionsTellConfiguredAndUnchanged()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var created = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();
        var changed = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "b")), Ct)).Resources.Single();
        var same = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "b")), Ct)).Resources.Single();

        Assert.Equal([ResourceAction.Created, ResourceAction.Configured, ResourceAction.Unchanged], [created.Action, changed.Action, same.Action]);
        Assert.NotEqual(created.ResourceVersion, changed.ResourceVersion);
        Assert.Equal(changed.ResourceVersion, same.ResourceVersion);
        var live = await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "shop", cancellationToken: Ct);
        Assert.Equal(live.Metadata.ResourceVersion, same.ResourceVersion);
    }

    [Fact]
    public async Task SyncAsync_AppliedObjects_AsTheServerHasThem()
    {
        var (client, manager) = await sim.NewClusterAsync();

        var result = await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a"), Manifests.Service("web")), Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.NotNull(result.Applied);
        foreach (var r in result.Resources)
        {
            Assert.Equal(r.ResourceVersion, result.Applied[r.Key.Identity]["metadata"]?["resourceVersion"]?.GetValue<string>());
        }
        var service = await client.CoreV1.ReadNamespacedServiceAsync("web", "shop", cancellationToken: Ct);
        var key = result.Resources.Single(r => r.Key.Kind == "Service").Key;
        Assert.Equal(service.Metadata.Uid, result.Applied[key.Identity]["metadata"]?["uid"]?.GetValue<string>());
    }

    [Fact]
    public async Task AssessAsync_KnownObject_TakenInsteadOfReading()
    {
        var (_, manager) = await sim.NewClusterAsync();
        var key = new ResourceKey("", "v1", "ConfigMap", "shop", "not-in-the-cluster");
        var known = new Dictionary<string, JsonObject>
        {
            [key.Identity] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = key.Name, ["namespace"] = "shop" } },
        };

        var read = await manager.AssessAsync([key], null, [], null, Ct);
        var taken = await manager.AssessAsync([key], null, [], known, Ct);

        Assert.Equal(HealthState.Missing, read.Resources.Single().Health.State);
        Assert.Equal(HealthState.Healthy, taken.Resources.Single().Health.State);
    }
}
