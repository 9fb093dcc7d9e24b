using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using k8s;

namespace GitOpsFleet.Kube.Tests.Integration;

public sealed class ResourceManagerTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static SyncRequest Request(string app, SyncOptions? options, params string[] manifests)
        => new(app, manifests, (options ?? SyncOptions.Default) with { DefaultNamespace = "shop", WaveTimeout = TimeSpan.FromSeconds(20) });

    private static async Task<AppHealthReport> WaitForHealthAsync(ResourceManager manager, SyncResult result, Func<HealthState, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var report = await manager.AssessAsync(result.Inventory, null, Ct);
            if (done(report.Health) || DateTime.UtcNow > deadline)
            {
                return report;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task SyncAsync_NewObjects_CreatedThenHealthy()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request("web", null, Manifests.Deployment("web"), Manifests.Service("web"), Manifests.ConfigMap("web-config")), Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.All(result.Resources, r => Assert.Equal(ResourceAction.Created, r.Action));
        Assert.Equal(3, result.Inventory.Count);
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: Ct);
        Assert.Equal("gitopsfleet", deployment.Metadata.Labels[WellKnown.ManagedByLabel]);
        Assert.Equal("web:apps/Deployment:shop/web", deployment.Metadata.Annotations[WellKnown.TrackingIdAnnotation]);
        Assert.Contains(deployment.Metadata.ManagedFields, m => m.Manager == "gitopsfleet" && m.Operation == "Apply");

        var report = await WaitForHealthAsync(manager, result, h => h == HealthState.Healthy, TimeSpan.FromSeconds(15));
        Assert.Equal(HealthState.Healthy, report.Health);
        Assert.NotEmpty(report.Resources.Single(r => r.Key.Kind == "Deployment").Children);
    }

    [Fact]
    public async Task SyncAsync_SameBundleAgain_UnchangedAndNoWrite()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var request = Request("web", null, Manifests.Service("web"), Manifests.ConfigMap("web-config"));
        await manager.SyncAsync(request, Ct);
        var before = await client.CoreV1.ReadNamespacedConfigMapAsync("web-config", "shop", cancellationToken: Ct);

        var again = await manager.SyncAsync(request, Ct);

        Assert.All(again.Resources, r => Assert.Equal(ResourceAction.Unchanged, r.Action));
        var after = await client.CoreV1.ReadNamespacedConfigMapAsync("web-config", "shop", cancellationToken: Ct);
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task SyncAsync_ChangedObject_Configured()
    {
        var (client, manager) = await sim.NewClusterAsync();
        await manager.SyncAsync(Request("web", null, Manifests.ConfigMap("web-config", "a")), Ct);
        var result = await manager.SyncAsync(Request("web", null, Manifests.ConfigMap("web-config", "b")), Ct);
        Assert.Equal(ResourceAction.Configured, result.Resources.Single().Action);
        var live = await client.CoreV1.ReadNamespacedConfigMapAsync("web-config", "shop", cancellationToken: Ct);
        Assert.Equal("b", live.Data["key"]);
    }

    [Fact]
    public async Task SyncAsync_DroppedObjectWithPrune_PrunedAndGone()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var prune = SyncOptions.Default with { Prune = true };
        await manager.SyncAsync(Request("web", prune, Manifests.Service("web"), Manifests.ConfigMap("web-config"), Manifests.ConfigMap("kept", keep: true)), Ct);

        var result = await manager.SyncAsync(Request("web", prune, Manifests.Service("web")), Ct);

        Assert.Contains(result.Resources, r => r.Key.Name == "web-config" && r.Action == ResourceAction.Pruned);
        Assert.Contains(result.Resources, r => r.Key.Name == "kept" && r.Action == ResourceAction.Skipped);
        var names = (await client.CoreV1.ListNamespacedConfigMapAsync("shop", cancellationToken: Ct)).Items.Select(c => c.Metadata.Name).ToList();
        Assert.DoesNotContain("web-config", names);
        Assert.Contains("kept", names);
        Assert.Single(result.Inventory);
    }

    [Fact]
    public async Task SyncAsync_DroppedObjectWithoutPrune_KeptInInventory()
    {
        var (client, manager) = await sim.NewClusterAsync();
        await manager.SyncAsync(Request("web", null, Manifests.ConfigMap("a"), Manifests.ConfigMap("b")), Ct);
        var result = await manager.SyncAsync(Request("web", null, Manifests.ConfigMap("a")), Ct);

        Assert.Contains(result.Resources, r => r.Key.Name == "b" && r.Action == ResourceAction.Skipped);
        Assert.Equal(2, result.Inventory.Count);
        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("b", "shop", cancellationToken: Ct));
    }

    [Fact]
    public async Task SyncAsync_EmptyBundleWithoutAllowEmpty_PrunesNothing()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var prune = SyncOptions.Default with { Prune = true };
        await manager.SyncAsync(Request("web", prune, Manifests.ConfigMap("a")), Ct);

        var result = await manager.SyncAsync(Request("web", prune), Ct);
        Assert.DoesNotContain(result.Resources, r => r.Action == ResourceAction.Pruned);
        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("a", "shop", cancellationToken: Ct));

        var allowed = await manager.SyncAsync(Request("web", prune with { AllowEmpty = true }), Ct);
        Assert.Contains(allowed.Resources, r => r.Key.Name == "a" && r.Action == ResourceAction.Pruned);
    }

    [Fact]
    public async Task SyncAsync_BrokenImage_NeverHealthy()
    {
        var (_, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request("web", null, Manifests.Deployment("web", image: "nginx:broken", progressDeadline: 2)), Ct);
        Assert.True(result.Succeeded, result.Message);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        var seen = new List<HealthState>();
        while (DateTime.UtcNow < deadline)
        {
            seen.Add((await manager.AssessAsync(result.Inventory, null, Ct)).Health);
            await Task.Delay(200);
        }
        Assert.DoesNotContain(HealthState.Healthy, seen);
        Assert.Equal(HealthState.Degraded, seen[^1]);
    }

    [Fact]
    public async Task SyncAsync_UnknownKind_FailsAloneWithMessage()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request("web", null, Manifests.ConfigMap("a"), Manifests.Custom("nowhere.example.com", "Gizmo", "g1")), Ct);
        var failed = Assert.Single(result.Resources, r => r.Action == ResourceAction.Failed);
        Assert.Contains("Gizmo", failed.Message);
        Assert.Contains(result.Resources, r => r.Key.Name == "a" && r.Action == ResourceAction.Created);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task SyncAsync_CrdAndCustomResourceInOneBundle_BothApplied()
    {
        var (_, manager) = await sim.NewClusterAsync();
        var result = await manager.SyncAsync(Request("widgets", null,
            Manifests.Custom("example.com", "Widget", "w1"), Manifests.Crd("example.com", "Widget", "widgets")), Ct);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("CustomResourceDefinition", result.Resources[0].Key.Kind);
        Assert.Contains(result.Resources, r => r.Key.Kind == "Widget" && r.Key.Namespace == "shop" && r.Action == ResourceAction.Created);
    }

    [Fact]
    public async Task RemoveAsync_Prune_DeletesEverything_OrphanKeeps()
    {
        var (client, manager) = await sim.NewClusterAsync();
        await manager.SyncAsync(Request("a", null, Manifests.ConfigMap("from-a")), Ct);
        await manager.SyncAsync(Request("b", null, Manifests.ConfigMap("from-b")), Ct);

        await manager.RemoveAsync("a", prune: true, Ct);
        await manager.RemoveAsync("b", prune: false, Ct);

        var names = (await client.CoreV1.ListNamespacedConfigMapAsync("shop", cancellationToken: Ct)).Items.Select(c => c.Metadata.Name).ToList();
        Assert.DoesNotContain("from-a", names);
        Assert.Contains("from-b", names);
        Assert.Null(await manager.Inventory.LoadAsync("b", Ct));
    }

    [Fact]
    public async Task DetectDriftAsync_EditedField_ReportedAndIgnoredFieldsNot()
    {
        var (client, manager) = await sim.NewClusterAsync();
        var request = Request("web", null, Manifests.ConfigMap("settings", "a"), Manifests.Deployment("web"));
        await manager.SyncAsync(request, Ct);
        Assert.Empty(await manager.DetectDriftAsync(request, Ct));

        var patch = new k8s.Models.V1Patch("""{"data":{"key":"edited"}}""", k8s.Models.V1Patch.PatchType.MergePatch);
        await client.CoreV1.PatchNamespacedConfigMapAsync(patch, "settings", "shop", cancellationToken: Ct);
        var scale = new k8s.Models.V1Patch("""{"spec":{"replicas":5}}""", k8s.Models.V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentAsync(scale, "web", "shop", cancellationToken: Ct);

        var drifted = await manager.DetectDriftAsync(request, Ct);
        Assert.Contains(drifted, k => k.Name == "settings");
        Assert.Contains(drifted, k => k.Name == "web");

        var ignoring = request with { Options = request.Options with { IgnoreFields = ["Deployment:/spec/replicas"] } };
        var driftedIgnoring = await manager.DetectDriftAsync(ignoring, Ct);
        Assert.DoesNotContain(driftedIgnoring, k => k.Name == "web");
    }

    [Fact]
    public async Task DiffAsync_ChangedSecret_MasksValues()
    {
        var (_, manager) = await sim.NewClusterAsync();
        const string secret = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},"data":{"password":"c2VjcmV0"}}""";
        await manager.SyncAsync(Request("web", null, secret, Manifests.ConfigMap("c", "a")), Ct);

        var diffs = await manager.DiffAsync(Request("web", null, secret.Replace("c2VjcmV0", "bmV3"), Manifests.ConfigMap("c", "b"), Manifests.ConfigMap("new")), Ct);

        Assert.Equal("Update", diffs.Single(d => d.Key.Name == "creds").Action);
        Assert.DoesNotContain("c2VjcmV0", diffs.Single(d => d.Key.Name == "creds").Diff);
        Assert.DoesNotContain("bmV3", diffs.Single(d => d.Key.Name == "creds").Diff);
        Assert.Contains("+    \"key\": \"b\"", diffs.Single(d => d.Key.Name == "c").Diff);
        Assert.Equal("Create", diffs.Single(d => d.Key.Name == "new").Action);
    }

    [Fact]
    public async Task DetectDriftAsync_FieldOwnedByOtherManager_NotDrift()
    {
        var (client, manager) = await sim.NewClusterAsync();
        // The manifest leaves replicas to an autoscaler, as Argo CD advises.
        var withoutReplicas = Manifests.Deployment("web").Replace("\"replicas\":2,", "");
        var request = Request("web", null, withoutReplicas);
        await manager.SyncAsync(request, Ct);

        var scale = new k8s.Models.V1Patch("""{"spec":{"replicas":7}}""", k8s.Models.V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentAsync(scale, "web", "shop", fieldManager: "horizontal-pod-autoscaler", cancellationToken: Ct);

        Assert.Empty(await manager.DetectDriftAsync(request, Ct));
        var again = await manager.SyncAsync(request, Ct);
        Assert.Equal(ResourceAction.Unchanged, again.Resources.Single().Action);
        Assert.Equal(7, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: Ct)).Spec.Replicas);
    }

    [Fact]
    public async Task SyncAsync_NewSpecOnHealthyDeployment_OldHealthNotReported()
    {
        var (_, manager) = await sim.NewClusterAsync();
        var first = await manager.SyncAsync(Request("web", null, Manifests.Deployment("web")), Ct);
        Assert.Equal(HealthState.Healthy, (await WaitForHealthAsync(manager, first, h => h == HealthState.Healthy, TimeSpan.FromSeconds(15))).Health);

        // The new generation can never become ready: whatever the timing, the earlier Healthy must not show again.
        var second = await manager.SyncAsync(Request("web", null, Manifests.Deployment("web", image: "nginx:broken")), Ct);
        Assert.Equal(ResourceAction.Configured, second.Resources.Single().Action);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.NotEqual(HealthState.Healthy, (await manager.AssessAsync(second.Inventory, null, Ct)).Health);
            await Task.Delay(100);
        }
    }
}
