using System.Diagnostics;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Bench;

/// <summary>
/// fanout: N simulated clusters with N real agents in this process and a real hub, one application
/// of M resources from a real Git repository. Per run: commit a new version, call SyncApplication
/// (the trigger: the repository's own poll is one hour), and take, per cluster, the hub's timestamp
/// of the target status that first says Synced and Healthy at the new commit. Then the floor with
/// the same N and bundle, in the same run, and the fanout/floor ratio.
/// Options: --clusters N (100), --runs R (3), --resources M (10), --controller-delay-ms D (50), --no-floor,
/// --no-workloads (ConfigMaps and Services only: no simulated rollouts), --deadline-s S (120 + N/5).
/// </summary>
internal static class FanoutScenario
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 100);
        var runs = args.Int("--runs", 3);
        var resources = args.Int("--resources", 10);
        var controllerDelay = TimeSpan.FromMilliseconds(args.Int("--controller-delay-ms", 50));
        var workloads = !args.Flag("--no-workloads");
        var deadline = TimeSpan.FromSeconds(args.Int("--deadline-s", 120 + clusters / 5));
        var ct = CancellationToken.None;
        var incomplete = new List<string>();

        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var first = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(0), workloads);
        var startup = Stopwatch.StartNew();
        var summaries = new List<LatencySummary>();
        var syncCallMs = new List<double>();
        var renderedMs = new List<double>();
        var firstStatusRuns = new List<LatencySummary>();
        var rolloutDoneRuns = new List<LatencySummary>();
        double connectSeconds, initialSeconds;
        await using (var hub = await InProcessHub.StartAsync(ct))
        await using (var fleet = await SimulatedFleet.StartAsync(controllerDelay, ct))
        {
            var token = await hub.Api.CreateJoinTokenAsync(ct);
            await fleet.AddAgentsAsync(hub.Host.GrpcAddress, token, "c", clusters, ct);
            await hub.Api.WaitForConnectedAsync(clusters, TimeSpan.FromSeconds(60 + clusters / 5), ct);
            connectSeconds = startup.Elapsed.TotalSeconds;
            Console.WriteLine($"fanout: {clusters} agents connected in {connectSeconds:F1} s");

            var initial = Stopwatch.StartNew();
            await hub.Api.CreateApplicationAsync("bench", git.Path, ct);
            await hub.Api.WaitForCommitAsync("bench", first, clusters, TimeSpan.FromSeconds(2 * deadline.TotalSeconds), ct);
            initialSeconds = initial.Elapsed.TotalSeconds;
            Console.WriteLine($"fanout: first deployment of {resources} resources Synced and Healthy on {clusters} clusters in {initialSeconds:F1} s");

            for (var run = 1; run <= runs; run++)
            {
                var commit = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(run), workloads);
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var call = Stopwatch.StartNew();
                var sync = hub.Api.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "bench" }, hub.Api.Auth, cancellationToken: ct).ResponseAsync
                    .ContinueWith(_ => call.Elapsed.TotalMilliseconds, ct, TaskContinuationOptions.None, TaskScheduler.Default);
                var times = await hub.Api.WaitForCommitDetailedAsync("bench", commit, clusters, deadline, ct);
                if (times.Incomplete is not null)
                {
                    Console.WriteLine($"  fanout run {run}: INCOMPLETE: {times.Incomplete}");
                    incomplete.Add(times.Incomplete);
                }
                syncCallMs.Add(await sync);
                var summary = BenchStats.Summarize(times.Healthy.Values.Select(t => (double)(t - t0)).ToArray());
                var firstStatus = BenchStats.Summarize(times.FirstStatus.Values.Select(t => (double)(t - t0)).ToArray());
                var rendered = times.RenderedUnixMs - t0;
                // Where the time went: the simulated controllers' own rollout-complete stamps (1 s resolution).
                var rolloutDone = BenchStats.Summarize((await fleet.RolloutDoneUnixMsAsync("bench", ct)).Select(t => (double)(t - t0)).ToArray());
                Console.WriteLine($"  fanout run {run}: {summary} (SyncApplication call {syncCallMs[^1]:F0} ms; rendered at +{rendered} ms; first status at the commit p50 {firstStatus.P50:F0} ms, max {firstStatus.Max:F0} ms; simulated rollouts done p50 {rolloutDone.P50:F0} ms, max {rolloutDone.Max:F0} ms)");
                rolloutDoneRuns.Add(rolloutDone);
                summaries.Add(summary);
                renderedMs.Add(rendered);
                firstStatusRuns.Add(firstStatus);
            }
        }
        var median = LatencySummary.MedianOf(summaries);
        Console.WriteLine($"fanout, {clusters} clusters, median of {runs}: {median}");

        object? floor = null;
        if (!args.Flag("--no-floor"))
        {
            var floorRuns = await FloorScenario.MeasureAsync(clusters, resources, runs, workloads, ct);
            var floorMedian = LatencySummary.MedianOf(floorRuns);
            var ratioP50 = median.P50 / floorMedian.P50;
            var ratioP99 = median.P99 / floorMedian.P99;
            Console.WriteLine($"floor,  {clusters} streams,  median of {runs}: {floorMedian}");
            Console.WriteLine(FormattableString.Invariant($"fanout / floor: p50 x{ratioP50:F1}, p99 x{ratioP99:F1}"));
            floor = new { runs = floorRuns, median = floorMedian, ratioP50, ratioP99 };
        }
        await BenchOutput.WriteAsync(args.OutDirectory, "fanout", new
        {
            clusters, resources, workloads, incomplete, controllerDelayMs = controllerDelay.TotalMilliseconds, trigger = "SyncApplication",
            connectSeconds, initialDeploySeconds = initialSeconds, syncCallMs, renderedMs, firstStatus = firstStatusRuns, simulatedRolloutDone = rolloutDoneRuns,
            runs = summaries, median, floor,
        }, ct);
        return 0;
    }
}
