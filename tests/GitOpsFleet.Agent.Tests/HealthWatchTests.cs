using k8s;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Tests;

/// <summary>Health is re-assessed from watch events; the timed poll is only a slow fallback.</summary>
public sealed class HealthWatchTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_RolloutWithFallbackPollFarAway_ReportsHealthyFromWatchEvents()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        var options = h.Options();
        // The first timed re-check would come 2 minutes after the sync, far past the deadline: only the
        // watch events of the Deployment's rollout (status-only MODIFIED) can bring the Healthy status in time.
        options.HealthPollInterval = TimeSpan.FromMinutes(2);
        h.StartAgent(options);
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");

        h.Hub.Send(AgentHarness.Desired("rollout", 1, null, AgentHarness.Deployment("rollout")));

        var healthy = await h.Hub.WaitForAsync(
            hub => hub.Statuses.FirstOrDefault(s => s.App == "rollout" && s.Generation == 1 && s.Sync == SyncStatus.Synced && s.Health == HealthStatus.Healthy),
            Timeout, "rollout generation 1 Synced and Healthy before the fallback poll");
        Assert.Equal(OperationPhase.Succeeded, healthy.Phase);
        var deployment = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("rollout", "shop");
        Assert.Equal(2, deployment.Status?.ReadyReplicas);
    }
}
