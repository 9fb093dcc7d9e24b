using k8s;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Tests;

public sealed class AgentWelcomeTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_WelcomeOmitsStoredApp_KeepsItAndReportsNotKnown()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("listed", 1, null, AgentHarness.ConfigMap("listed-cm", "a")));
        h.Hub.Send(AgentHarness.Desired("orphan", 1, null, AgentHarness.ConfigMap("orphan-cm", "a")));
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "orphan" && s.Sync == SyncStatus.Synced), Timeout, "orphan Synced");
        await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "listed" && s.Sync == SyncStatus.Synced), Timeout, "listed Synced");
        Assert.DoesNotContain(h.Hub.Statuses, s => s.Message.Contains("not known to the hub"));
        var before = h.Hub.Statuses.Count;

        // The hub comes back without "orphan" in its list and sends no Remove for it.
        h.Hub.WelcomeApplications = ["listed"];
        h.Hub.DropStream();

        var kept = await h.Hub.WaitForAsync(hub => hub.Statuses.Skip(before).FirstOrDefault(s => s.App == "orphan" && s.Message.Contains("not known to the hub; kept")),
            Timeout, "orphan reported as not known to the hub");
        Assert.Equal(SyncStatus.Synced, kept.Sync);
        var listed = await h.Hub.WaitForAsync(hub => hub.Statuses.Skip(before).FirstOrDefault(s => s.App == "listed" && s.Full), Timeout, "listed full status after reconnect");
        Assert.DoesNotContain("not known", listed.Message);
        Assert.Equal("a", (await h.Client.CoreV1.ReadNamespacedConfigMapAsync("orphan-cm", "shop")).Data["key"]);
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedSecretAsync("gitopsfleet-desired-orphan", "gitopsfleet-system"));

        // A new Desired for it means the hub knows it again.
        var count = h.Hub.Statuses.Count;
        h.Hub.Send(AgentHarness.Desired("orphan", 2, null, AgentHarness.ConfigMap("orphan-cm", "b")));
        var known = await h.Hub.WaitForAsync(hub => hub.Statuses.Skip(count).FirstOrDefault(s => s.App == "orphan" && s.Generation == 2 && s.Sync == SyncStatus.Synced),
            Timeout, "orphan generation 2 Synced");
        Assert.DoesNotContain("not known", known.Message);
    }

    [Fact]
    public async Task RunAsync_CustomHealthRule_DecidesResourceHealth()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        var options = new SyncOptions { Automated = true };
        var rule = new HealthRule { Group = "", Kind = "ConfigMap" };
        rule.Checks.Add(new HealthCheck { JsonPath = "data.key", Equals_ = "broken", Health = HealthStatus.Degraded, Message = "flag says broken" });
        options.HealthRules.Add(rule);

        h.Hub.Send(AgentHarness.Desired("ruled", 1, options, AgentHarness.ConfigMap("ruled-bad", "broken"), AgentHarness.ConfigMap("ruled-ok", "fine")));

        var status = await h.Hub.WaitForAsync(hub => hub.Statuses.FirstOrDefault(s => s.App == "ruled" && s.Health == HealthStatus.Degraded), Timeout, "ruled Degraded");
        var bad = Assert.Single(status.Resources, r => r.Key.Name == "ruled-bad");
        Assert.Equal(HealthStatus.Degraded, bad.Health);
        Assert.Equal("flag says broken", bad.Message);
        Assert.Equal(HealthStatus.Healthy, Assert.Single(status.Resources, r => r.Key.Name == "ruled-ok").Health);
    }
}
