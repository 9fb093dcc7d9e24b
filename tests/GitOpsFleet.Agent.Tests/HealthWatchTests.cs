using k8s;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Testing;

namespace GitOpsFleet.Agent.Tests;

/// <summary>
/// Health is re-assessed from watch events; the timed poll is only a slow fallback. The same events keep the
/// resourceVersions the agent applies against current.
/// </summary>
public sealed class HealthWatchTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_RolloutWithFallbackPollFarAway_ReportsHealthyFromWatchEvents()
    {
        await using var h = await AgentHarness.StartAsync(sim);

        var healthy = await RolloutHealthyFromWatchEventsAsync(h);

        Assert.Equal(OperationPhase.Succeeded, healthy.Phase);
        Assert.Equal(SyncStatus.Synced, healthy.Sync);
        var deployment = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("rollout", "shop");
        Assert.Equal(2, deployment.Status?.ReadyReplicas);
    }

    [Fact]
    public async Task RunAsync_SameManifestsAfterARollout_UnchangedThoughTheControllerMovedTheVersion()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        await RolloutHealthyFromWatchEventsAsync(h);
        var rolledOut = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("rollout", "shop");

        // The simulated controller wrote the status after our apply: a newer resourceVersion, none of our fields.
        h.Hub.Send(AgentHarness.Desired("rollout", 2, null, AgentHarness.Deployment("rollout")));
        var again = await h.Hub.WaitForAsync(
            hub => hub.Statuses.FirstOrDefault(s => s.App == "rollout" && s.Generation == 2 && s.Full),
            Timeout, "rollout generation 2 status");

        Assert.Equal("Unchanged", again.Resources.Single(r => r.Key.Kind == "Deployment").Result);
        var after = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("rollout", "shop");
        Assert.Equal(rolledOut.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task RunAsync_NewRollout_WatchDrivenReassessmentsDoNotReadUnchangedObjects()
    {
        var log = new RequestLog();
        await using var h = await AgentHarness.StartAsync(sim, log);
        await RolloutHealthyFromWatchEventsAsync(h, AgentHarness.ConfigMap("settings", "a"));
        log.Clear();

        // Only the Deployment changes: its rollout's status events bring reassessment after reassessment.
        h.Hub.Send(AgentHarness.Desired("rollout", 2, null, AgentHarness.Deployment("rollout", image: "nginx:1.28"), AgentHarness.ConfigMap("settings", "a")));
        await h.Hub.WaitForAsync(
            hub => hub.Statuses.FirstOrDefault(s => s.App == "rollout" && s.Generation == 2 && s.Sync == SyncStatus.Synced && s.Health == HealthStatus.Healthy),
            Timeout, "rollout generation 2 Synced and Healthy before the fallback poll");

        var requests = log.Snapshot();
        Assert.Contains(requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal) && r.Contains("/deployments/rollout?", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal) && r.Contains("/configmaps/settings?", StringComparison.Ordinal));
        // The ConfigMap's version is known (no read before its apply) and no event reported it changed.
        Assert.DoesNotContain(requests, r => r.StartsWith("GET ", StringComparison.Ordinal) && r.EndsWith("/configmaps/settings", StringComparison.Ordinal));
    }

    /// <summary>
    /// Applies one Deployment with the fallback poll 2 minutes away, far past the deadline: only the watch events
    /// of its rollout (status-only MODIFIED) can bring the Healthy status in time, so the agent has seen them.
    /// </summary>
    private static async Task<AppStatus> RolloutHealthyFromWatchEventsAsync(AgentHarness h, params string[] alongside)
    {
        var options = h.Options();
        options.HealthPollInterval = TimeSpan.FromMinutes(2);
        h.StartAgent(options);
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        h.Hub.Send(AgentHarness.Desired("rollout", 1, null, [AgentHarness.Deployment("rollout"), .. alongside]));
        return await h.Hub.WaitForAsync(
            hub => hub.Statuses.FirstOrDefault(s => s.App == "rollout" && s.Generation == 1 && s.Sync == SyncStatus.Synced && s.Health == HealthStatus.Healthy),
            Timeout, "rollout generation 1 Synced and Healthy before the fallback poll");
    }
}
