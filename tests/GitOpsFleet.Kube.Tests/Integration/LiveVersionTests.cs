using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Testing;
using k8s;
using k8s.Models;

namespace GitOpsFleet.Kube.Tests.Integration;

/// <summary>With tracked versions an apply is not preceded by a read, and the actions stay right.</summary>
public sealed class LiveVersionTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static SyncRequest Request(params string[] manifests)
        => new("web", manifests, SyncOptions.Default with { DefaultNamespace = "shop", WaveTimeout = TimeSpan.FromSeconds(20) });

    private static int ReadsOf(RequestLog log, string name)
        => log.Snapshot().Count(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.EndsWith("/configmaps/" + name, StringComparison.Ordinal));

    [Fact]
    public async Task SyncAsync_TrackedVersions_NoReadBeforeApplyAndActionsRight()
    {
        var log = new RequestLog();
        var (client, manager) = await sim.NewClusterAsync(log);
        manager.TrackLiveVersions();

        var created = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();
        log.Clear();
        var changed = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "b")), Ct)).Resources.Single();
        var same = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "b")), Ct)).Resources.Single();

        Assert.Equal([ResourceAction.Created, ResourceAction.Configured, ResourceAction.Unchanged], [created.Action, changed.Action, same.Action]);
        Assert.Equal(0, ReadsOf(log, "cfg"));
        var live = await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "shop", cancellationToken: Ct);
        Assert.Equal("b", live.Data["key"]);
        Assert.Equal(live.Metadata.ResourceVersion, same.ResourceVersion);
    }

    [Fact]
    public async Task SyncAsync_UntrackedVersions_ReadsBeforeApply()
    {
        var log = new RequestLog();
        var (_, manager) = await sim.NewClusterAsync(log);

        await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct);
        log.Clear();
        var same = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();

        Assert.Equal(ResourceAction.Unchanged, same.Action);
        Assert.Equal(1, ReadsOf(log, "cfg"));
    }

    [Fact]
    public async Task SyncAsync_DeletedBehindTheManagersBack_Created()
    {
        var (client, manager) = await sim.NewClusterAsync();
        manager.TrackLiveVersions();
        await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "shop", cancellationToken: Ct);

        var again = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();

        Assert.Equal(ResourceAction.Created, again.Action);
        Assert.Equal("a", (await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "shop", cancellationToken: Ct)).Data["key"]);
    }

    [Fact]
    public async Task SyncAsync_OthersChangeNoted_UnchangedWhenOurFieldsAreAsApplied()
    {
        var (client, manager) = await sim.NewClusterAsync();
        manager.TrackLiveVersions();
        var first = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();
        // Another manager adds a label: a new version, none of our fields touched.
        var label = new V1Patch("""{"metadata":{"labels":{"team":"blue"}}}""", V1Patch.PatchType.MergePatch);
        var theirs = await client.CoreV1.PatchNamespacedConfigMapAsync(label, "cfg", "shop", fieldManager: "someone-else", cancellationToken: Ct);
        Assert.NotEqual(first.ResourceVersion, theirs.Metadata.ResourceVersion);

        // What the agent's watch does for every change it sees; an older event arriving late must not undo it.
        manager.NoteLiveVersion(first.Key, theirs.Metadata.ResourceVersion);
        manager.NoteLiveVersion(first.Key, first.ResourceVersion);
        var again = (await manager.SyncAsync(Request(Manifests.ConfigMap("cfg", "a")), Ct)).Resources.Single();

        Assert.Equal(ResourceAction.Unchanged, again.Action);
        Assert.Equal(theirs.Metadata.ResourceVersion, again.ResourceVersion);
    }
}
