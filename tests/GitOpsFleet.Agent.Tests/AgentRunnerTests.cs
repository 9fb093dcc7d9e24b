using k8s;
using System.Text;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Tests;

public sealed class AgentRunnerTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_JoinToken_RegistersStoresCredentialAndSendsHello()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();

        var hello = await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");

        var registration = Assert.Single(h.Hub.Registrations);
        Assert.Equal(h.ClusterName, registration.ClusterName);
        Assert.Equal("test", registration.Labels["env"]);
        Assert.False(string.IsNullOrEmpty(registration.KubernetesVersion));
        Assert.Equal(h.ClusterName, hello.ClusterName);
        Assert.Equal(1u, hello.ProtocolVersion);
        Assert.Equal(AgentRunner.AgentVersion, hello.AgentVersion);
        var secret = await h.Client.CoreV1.ReadNamespacedSecretAsync("gitopsfleet-agent", "gitopsfleet-system");
        Assert.Equal(h.Hub.Credential, Encoding.UTF8.GetString(secret.Data["credential"]));
        Assert.Equal(h.Hub.Url, Encoding.UTF8.GetString(secret.Data["hub"]));
        Assert.Equal(h.ClusterName, Encoding.UTF8.GetString(secret.Data["clusterName"]));
        await h.Hub.WaitForAsync(hub => hub.Received.FirstOrDefault(m => m.BodyCase == AgentMessage.BodyOneofCase.Heartbeat), Timeout, "a heartbeat");
    }

    [Fact]
    public async Task RunAsync_Desired_AppliesAndReportsSyncedHealthy()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");

        h.Hub.Send(AgentHarness.Desired("web", 1, null, AgentHarness.Deployment("web"), AgentHarness.Service("web"), AgentHarness.ConfigMap("web-config", "a")));

        var healthy = await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "web" && s.Generation == 1 && s.Sync == SyncStatus.Synced && s.Health == HealthStatus.Healthy),
            Timeout, "web generation 1 Synced and Healthy");
        Assert.Equal("rev-1", healthy.Revision);
        Assert.Equal(OperationPhase.Succeeded, healthy.Phase);
        var first = h.Hub.Statuses.First(s => s.App == "web");
        Assert.True(first.Full);
        Assert.Equal(3, first.Resources.Count);
        Assert.Contains(first.Resources, r => r.Key.Kind == "Deployment" && r.Result == "Created");
        Assert.DoesNotContain(h.Hub.Statuses.Where(s => s.App == "web").Skip(1), s => s.Full);
        var deployment = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop");
        Assert.Equal("gitopsfleet", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedSecretAsync("gitopsfleet-desired-web", "gitopsfleet-system"));
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedConfigMapAsync("gitopsfleet-inventory-web", "gitopsfleet-system"));
    }

    [Fact]
    public async Task RunAsync_StaleGeneration_Ignored()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");

        h.Hub.Send(AgentHarness.Desired("cfg", 2, null, AgentHarness.ConfigMap("settings", "two")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "cfg" && s.Generation == 2 && s.Sync == SyncStatus.Synced), Timeout, "generation 2");
        h.Hub.Send(AgentHarness.Desired("cfg", 1, null, AgentHarness.ConfigMap("settings", "one"), AgentHarness.ConfigMap("from-stale", "x")));
        h.Hub.Send(AgentHarness.Desired("cfg", 3, null, AgentHarness.ConfigMap("settings", "two"), AgentHarness.ConfigMap("third", "3")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "cfg" && s.Generation == 3 && s.Sync == SyncStatus.Synced), Timeout, "generation 3");

        Assert.DoesNotContain(h.Hub.Statuses, s => s.App == "cfg" && s.Generation == 1);
        var names = (await h.Client.CoreV1.ListNamespacedConfigMapAsync("shop")).Items.Select(c => c.Metadata.Name).ToList();
        Assert.DoesNotContain("from-stale", names);
        Assert.Equal("two", (await h.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop")).Data["key"]);
    }

    [Fact]
    public async Task RunAsync_StreamDropped_ReconnectsWithAppliedGenerations()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("cfg", 4, null, AgentHarness.ConfigMap("settings", "x")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "cfg" && s.Sync == SyncStatus.Synced), Timeout, "Synced");
        var before = h.Hub.Statuses.Count;

        h.Hub.DropStream();

        var second = await h.Hub.WaitForAsync(hub => hub.Hellos.Skip(1).FirstOrDefault(), Timeout, "a second Hello");
        Assert.Equal(4, second.AppliedGenerations["cfg"]);
        // After a reconnect the hub receives the full picture again.
        await h.Hub.WaitForAsync(hub => hub.Statuses.Skip(before).FirstOrDefault(s => s.App == "cfg" && s.Full), Timeout, "a full status after reconnect");
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop"));
        Assert.Single(h.Hub.Registrations);
    }

    [Fact]
    public async Task RunAsync_Restart_ReusesCredentialAndHealsOfflineFromStoredBundle()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        var heal = new SyncOptions { Automated = true, SelfHeal = true, Drift = "correct" };
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("cfg", 7, heal, AgentHarness.ConfigMap("settings", "desired")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "cfg" && s.Sync == SyncStatus.Synced), Timeout, "Synced");
        await h.StopAgentAsync();
        await h.Hub.DisposeAsync(); // the hub is gone for good

        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(new k8s.Models.V1Patch("""{"data":{"key":"edited"}}""", k8s.Models.V1Patch.PatchType.MergePatch), "settings", "shop");
        h.StartAgent(h.Options(joinToken: null));

        var deadline = DateTime.UtcNow + Timeout;
        string? value;
        do
        {
            await Task.Delay(100);
            value = (await h.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop")).Data["key"];
        }
        while (value != "desired" && DateTime.UtcNow < deadline);
        Assert.Equal("desired", value);
        Assert.Single(h.Hub.Registrations);
    }

    [Fact]
    public async Task RunAsync_DriftWithSelfHeal_RevertedAndDetectOnlyReported()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("healed", 1, new SyncOptions { SelfHeal = true, Drift = "correct" }, AgentHarness.ConfigMap("healed-cm", "desired")));
        h.Hub.Send(AgentHarness.Desired("watched", 1, new SyncOptions { SelfHeal = true, Drift = "detect" }, AgentHarness.ConfigMap("watched-cm", "desired")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "watched" && s.Sync == SyncStatus.Synced), Timeout, "watched Synced");
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "healed" && s.Sync == SyncStatus.Synced), Timeout, "healed Synced");
        var seen = h.Hub.Statuses.Count;

        var edit = new k8s.Models.V1Patch("""{"data":{"key":"edited"}}""", k8s.Models.V1Patch.PatchType.MergePatch);
        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(edit, "healed-cm", "shop");
        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(edit, "watched-cm", "shop");

        var edited = DateTimeOffset.UtcNow;
        var outOfSync = await h.Hub.WaitForAsync(hub => hub.Statuses.Skip(seen).FirstOrDefault(s => s.App == "watched" && s.Sync == SyncStatus.OutOfSync), TimeSpan.FromSeconds(5), "watched OutOfSync");
        // The watch makes this take well under a second here; the promise is two.
        Assert.InRange(outOfSync.ObservedUnixMs - edited.ToUnixTimeMilliseconds(), -1000, 2000);
        Assert.Contains(outOfSync.Resources, r => r.Key.Name == "watched-cm" && r.Sync == SyncStatus.OutOfSync);
        var deadline = DateTime.UtcNow + Timeout;
        while ((await h.Client.CoreV1.ReadNamespacedConfigMapAsync("healed-cm", "shop")).Data["key"] != "desired" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal("desired", (await h.Client.CoreV1.ReadNamespacedConfigMapAsync("healed-cm", "shop")).Data["key"]);
        Assert.Equal("edited", (await h.Client.CoreV1.ReadNamespacedConfigMapAsync("watched-cm", "shop")).Data["key"]);
    }

    [Fact]
    public async Task RunAsync_DiffCommandAndRemove_AnsweredAndPruned()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("cfg", 1, null, AgentHarness.ConfigMap("settings", "x")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "cfg" && s.Sync == SyncStatus.Synced), Timeout, "Synced");

        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(new k8s.Models.V1Patch("""{"data":{"key":"y"}}""", k8s.Models.V1Patch.PatchType.MergePatch), "settings", "shop");
        h.Hub.Send(new HubMessage { Command = new Command { App = "cfg", Kind = CommandKind.Diff, RequestId = "r1" } });
        var diff = await h.Hub.WaitForAsync(hub => hub.Received.FirstOrDefault(m => m.BodyCase == AgentMessage.BodyOneofCase.Diff)?.Diff, Timeout, "DiffResult");
        Assert.Equal("r1", diff.RequestId);
        var row = Assert.Single(diff.Resources);
        Assert.Equal("Update", row.Action);
        Assert.Contains("\"key\": \"x\"", row.Diff);

        h.Hub.Send(new HubMessage { Remove = new Remove { App = "cfg", Generation = 2, Prune = true } });
        var deadline = DateTime.UtcNow + Timeout;
        while ((await h.Client.CoreV1.ListNamespacedConfigMapAsync("shop")).Items.Any(c => c.Metadata.Name == "settings") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.DoesNotContain((await h.Client.CoreV1.ListNamespacedConfigMapAsync("shop")).Items, c => c.Metadata.Name == "settings");
    }

    [Fact]
    public async Task RunAsync_ApplyFails_ReportsFailedWithServerMessageAndRetries()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        const string gizmo = """{"apiVersion":"nowhere.example.com/v1","kind":"Gizmo","metadata":{"name":"g1"}}""";
        var desired = AgentHarness.Desired("bad", 1, new SyncOptions { Retry = new RetryPolicy { Limit = 2, BackoffSeconds = 1, Factor = 1, MaxBackoffSeconds = 1 } },
            AgentHarness.ConfigMap("fine", "x"), gizmo);

        h.Hub.Send(desired);

        var failed = await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "bad" && s.Phase == OperationPhase.Failed), Timeout, "phase Failed");
        Assert.Equal(SyncStatus.OutOfSync, failed.Sync);
        Assert.Contains("retry 1 of 2", failed.Message);
        var row = Assert.Single(failed.Resources, r => r.Key.Kind == "Gizmo");
        Assert.Equal("Failed", row.Result);
        Assert.Contains("Gizmo/g1 the server does not serve kind Gizmo", row.Message);
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedConfigMapAsync("fine", "shop"));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "bad" && s.Message.Contains("retry 2 of 2")), Timeout, "the second retry");

        // A bundle that cannot be read fails that application alone and the stream stays up.
        var garbage = AgentHarness.Desired("broken", 1, null);
        garbage.Desired.CompressedBundle = Google.Protobuf.ByteString.CopyFromUtf8("not gzip");
        h.Hub.Send(garbage);
        var unreadable = await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "broken"), Timeout, "broken bundle status");
        Assert.Equal(OperationPhase.Failed, unreadable.Phase);
        Assert.Single(h.Hub.Hellos);
    }
}
