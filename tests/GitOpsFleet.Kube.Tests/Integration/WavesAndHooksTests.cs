using GitOpsFleet.Kube.Sync;
using k8s;

namespace GitOpsFleet.Kube.Tests.Integration;

public sealed class WavesAndHooksTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static SyncRequest Request(params string[] manifests)
        => new("app", manifests, SyncOptions.Default with { DefaultNamespace = "shop", WaveTimeout = TimeSpan.FromSeconds(4) });

    [Fact]
    public async Task SyncAsync_LaterWave_WaitsForEarlierWaveHealthy()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request(Manifests.Deployment("second", wave: "1"), Manifests.Deployment("first", wave: "0")), Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(["first", "second"], result.Resources.Select(r => r.Key.Name));
        var first = await client.AppsV1.ReadNamespacedDeploymentAsync("first", "shop", cancellationToken: Ct);
        var second = await client.AppsV1.ReadNamespacedDeploymentAsync("second", "shop", cancellationToken: Ct);
        // The second wave is created only after the first became available.
        var firstAvailable = first.Status.Conditions.Single(c => c.Type == "Available" && c.Status == "True").LastTransitionTime;
        Assert.True(second.Metadata.CreationTimestamp >= firstAvailable, $"second created {second.Metadata.CreationTimestamp:O}, first available {firstAvailable:O}");
    }

    [Fact]
    public async Task SyncAsync_UnhealthyWave_LaterWavesSkipped()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request(Manifests.Deployment("bad", image: "nginx:broken", wave: "0", progressDeadline: 1), Manifests.ConfigMap("after-bad", wave: "1")), Ct);

        Assert.Contains(result.Resources, r => r.Key.Name == "after-bad" && r.Action == ResourceAction.Skipped);
        var names = (await client.CoreV1.ListNamespacedConfigMapAsync("shop", cancellationToken: Ct)).Items.Select(c => c.Metadata.Name);
        Assert.DoesNotContain("after-bad", names);
    }

    [Fact]
    public async Task SyncAsync_FailingPreSyncHook_StopsSyncAndRunsSyncFail()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request(
            Manifests.Job("pre", "PreSync", image: "busybox:broken"),
            Manifests.Job("on-fail", "SyncFail"),
            Manifests.ConfigMap("main")), Ct);

        Assert.True(result.HookFailed);
        Assert.False(result.Succeeded);
        Assert.Contains("PreSync", result.Message);
        Assert.Contains(result.Resources, r => r.Key.Name == "main" && r.Action == ResourceAction.Skipped);
        Assert.Contains(result.Resources, r => r.Key.Name == "on-fail" && r.Action == ResourceAction.Created);
        var configMaps = (await client.CoreV1.ListNamespacedConfigMapAsync("shop", cancellationToken: Ct)).Items.Select(c => c.Metadata.Name);
        Assert.DoesNotContain("main", configMaps);
    }

    [Fact]
    public async Task SyncAsync_SucceedingHooks_RunAroundSyncAndDeletedOnSuccess()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request(
            Manifests.Job("migrate", "PreSync", deletePolicy: "HookSucceeded"),
            Manifests.Job("smoke", "PostSync"),
            Manifests.ConfigMap("main")), Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(["migrate", "main", "smoke"], result.Resources.Select(r => r.Key.Name));
        var jobs = (await client.BatchV1.ListNamespacedJobAsync("shop", cancellationToken: Ct)).Items.Select(j => j.Metadata.Name).ToList();
        Assert.DoesNotContain("migrate", jobs);
        Assert.Contains("smoke", jobs);
        Assert.DoesNotContain(result.Inventory, k => k.Kind == "Job");
    }
}
