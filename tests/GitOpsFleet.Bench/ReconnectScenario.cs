using System.Diagnostics;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Bench;

/// <summary>
/// reconnect: N connected agents (in this process) with one application Synced and Healthy on every
/// cluster; the hub (the real program, a child process) is killed with SIGKILL and started again at once
/// on the same data folder and gRPC port. Per run: time to the new hub's ready line, until every cluster is
/// connected again (ListClusters), and until the hub shows every target connected, Synced and Healthy at
/// the application's commit again (resynced). Reconnects per second are counted on the agents' side: the
/// Welcome each agent receives (its own "connected" log event), per whole second after the kill; the
/// backoff sleeps they log are counted the same way (attempts that found no hub).
/// Runs kill the same fleet's hub again after it has settled. Options: --clusters N (1000), --runs R (3),
/// --resources M (10; ConfigMaps and Services only), --settle-s S (10), --hub-env K=V (repeatable).
/// </summary>
internal static class ReconnectScenario
{
    private sealed record ReconnectRun(double HubReadySeconds, double AllConnectedSeconds, double ResyncedSeconds,
        int PeakReconnectsPerSecond, int Reconnects, double LastReconnectSeconds, int BackoffSleeps, List<int> ReconnectsPerSecond);

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 1000);
        var runs = args.Int("--runs", 3);
        var resources = args.Int("--resources", 10);
        var settle = TimeSpan.FromSeconds(args.Int("--settle-s", 10));
        var environment = args.Pairs("--hub-env");
        var deadline = TimeSpan.FromSeconds(120 + clusters / 5);
        var ct = CancellationToken.None;

        var data = Path.Combine(Path.GetTempPath(), "gitopsfleet-bench-hub-" + Guid.NewGuid().ToString("N")[..12]);
        var port = HubProcess.FreePort();
        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var commit = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(0), workloads: false);
        var recorder = new AgentEventRecorder();
        using var agentLogs = recorder.CreateFactory();
        var results = new List<ReconnectRun>();
        var hub = await HubProcess.StartAsync(environment, data, port, ct);
        try
        {
            var token = await hub.Api.CreateJoinTokenAsync(ct);
            await using var fleet = await SimulatedFleet.StartAsync(TimeSpan.FromMilliseconds(50), ct);
            await fleet.AddAgentsAsync(hub.Api.GrpcAddress, token, "r", clusters, null, agentLogs, ct);
            await hub.Api.WaitForConnectedAsync(clusters, deadline, ct);
            await hub.Api.CreateApplicationAsync("bench", git.Path, ct);
            await hub.Api.WaitForCommitAsync("bench", commit, clusters, deadline, ct);
            Console.WriteLine($"reconnect: {clusters} agents connected, application Synced and Healthy on all; hub process {hub.Child.Id}");

            for (var run = 1; run <= runs; run++)
            {
                await Task.Delay(settle, ct);
                var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var clock = Stopwatch.StartNew();
                hub.Child.Kill();
                hub.Dispose();
                hub = await HubProcess.StartAsync(environment, data, port, ct);
                var ready = clock.Elapsed.TotalSeconds;
                var connected = await WaitAsync(async () => await hub.Api.ConnectedClustersAsync(ct) >= clusters, deadline, ct)
                    ? clock.Elapsed.TotalSeconds : double.NaN;
                var resynced = await WaitAsync(async () => await ResyncedAsync(hub.Api, commit, clusters, ct), deadline, ct)
                    ? clock.Elapsed.TotalSeconds : double.NaN;
                // Agents log their Welcome around when the hub counts them connected: wait until every agent's
                // event is in (a short deadline: a missing one shows as fewer reconnects, not a hang).
                await WaitAsync(() => Task.FromResult(recorder.Times(AgentEventRecorder.Connected, killedAt).Count >= clusters), TimeSpan.FromSeconds(5), ct);
                var welcomes = recorder.Times(AgentEventRecorder.Connected, killedAt);
                var sleeps = recorder.Times(AgentEventRecorder.Reconnecting, killedAt);
                var (perSecond, peak) = AgentEventRecorder.PerSecond(welcomes, killedAt);
                var result = new ReconnectRun(ready, connected, resynced, peak, welcomes.Count,
                    welcomes.Count == 0 ? double.NaN : (welcomes[^1] - killedAt) / 1000.0, sleeps.Count, perSecond);
                Console.WriteLine(FormattableString.Invariant(
                    $"  reconnect run {run}: hub ready again at +{ready:F1} s; all {clusters} connected at +{connected:F1} s; resynced at +{resynced:F1} s; {welcomes.Count} reconnects (last at +{result.LastReconnectSeconds:F1} s), peak {peak}/s; {sleeps.Count} backoff sleeps"));
                Console.WriteLine($"    reconnects per second after the kill: {string.Join(' ', perSecond)}");
                results.Add(result);
            }
        }
        finally
        {
            hub.Dispose();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Temp is cleaned by the OS.
            }
        }
        var median = new
        {
            hubReadySeconds = BenchStats.Median(results.Select(r => r.HubReadySeconds)),
            allConnectedSeconds = BenchStats.Median(results.Select(r => r.AllConnectedSeconds)),
            resyncedSeconds = BenchStats.Median(results.Select(r => r.ResyncedSeconds)),
            peakReconnectsPerSecond = BenchStats.Median(results.Select(r => (double)r.PeakReconnectsPerSecond)),
        };
        Console.WriteLine(FormattableString.Invariant(
            $"reconnect, {clusters} clusters, median of {runs}: hub ready +{median.hubReadySeconds:F1} s, all connected +{median.allConnectedSeconds:F1} s, resynced +{median.resyncedSeconds:F1} s, peak {median.peakReconnectsPerSecond:F0} reconnects/s (agents' side)"));
        await BenchOutput.WriteAsync(args.OutDirectory, "reconnect", new
        {
            clusters, resources, settleSeconds = settle.TotalSeconds, hubEnvironment = environment, countedOn = "agents (Welcome received)",
            runs = results, median,
        }, ct);
        return 0;
    }

    /// <summary>The hub shows every target of the application connected, Synced and Healthy at the commit.</summary>
    private static async Task<bool> ResyncedAsync(HubApi api, string commit, int clusters, CancellationToken cancellationToken)
    {
        var application = await api.Fleet.GetApplicationAsync(new Protos.Fleet.GetApplicationRequest { Name = "bench" }, api.Auth, cancellationToken: cancellationToken);
        return application.Status.Targets.Count(t => t.Connected && t.ObservedRevision == commit && t.ObservedGeneration == t.Generation
            && t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy) >= clusters;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // The new hub is still starting its API: ask again.
            }
            await Task.Delay(250, cancellationToken);
        }
        return false;
    }
}
