using System.Diagnostics;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Bench;

/// <summary>
/// fanout: N simulated clusters with N real agents and a real hub in this process (past --per-process clusters the
/// agents and simulated clusters run in `agents` worker processes: <see cref="BenchFleet"/>), one application of M
/// resources from a real Git repository. Per run: commit a new version, fire the trigger (--trigger: a push webhook,
/// default, or SyncApplication; the repository's own poll is one hour), and take, per cluster, the hub's timestamp
/// of the target status that first says Synced and Healthy at the new commit, from just before the trigger. Then the
/// floor with the same N and bundle, in the same run, and the fanout/floor ratio.
/// Options: --clusters N (100), --runs R (3), --resources M (10), --controller-delay-ms D (50), --no-floor,
/// --no-workloads (ConfigMaps and Services only: no simulated rollouts), --deadline-s S (120 + N/5),
/// --trigger webhook|sync (webhook), --per-process P (1500: 20,000 open files a process / 10-13 per deploying cluster).
/// </summary>
internal static class FanoutScenario
{
    /// <summary>
    /// Clusters per process past which fanout and waves (and idle) fold their clusters into worker processes: 20,000
    /// open files a process over the 10-13 descriptors a folded cluster holds while deploying.
    /// </summary>
    public const int DefaultPerProcess = 1500;

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 100);
        var runs = args.Int("--runs", 3);
        var resources = args.Int("--resources", 10);
        var controllerDelay = TimeSpan.FromMilliseconds(args.Int("--controller-delay-ms", 50));
        var workloads = !args.Flag("--no-workloads");
        var deadline = TimeSpan.FromSeconds(args.Int("--deadline-s", 120 + clusters / 5));
        var trigger = BenchTrigger.Parse(args);
        var perProcess = args.Int("--per-process", DefaultPerProcess);
        var ct = CancellationToken.None;
        var incomplete = new List<string>();

        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var first = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(0), workloads);
        var startup = Stopwatch.StartNew();
        var summaries = new List<LatencySummary>();
        var triggerCallMs = new List<double>();
        var renderedMs = new List<double>();
        var firstStatusRuns = new List<LatencySummary>();
        var rolloutDoneRuns = new List<LatencySummary>();
        double connectSeconds, initialSeconds;
        string placement, descriptors;
        int peakOpenFiles, peakWorkerOpenFiles;
        bool inWorkers;
        await using (var hub = await InProcessHub.StartAsync(ct))
        {
            var token = await hub.Api.CreateJoinTokenAsync(ct);
            await using var fleet = await BenchFleet.StartAsync(hub.Host.GrpcAddress, token, "c", clusters, perProcess, BenchLabels.None, controllerDelay, ct);
            placement = fleet.Placement;
            inWorkers = fleet.InProcess is null;
            await hub.Api.WaitForConnectedAsync(clusters, TimeSpan.FromSeconds(60 + clusters / 5), ct);
            connectSeconds = startup.Elapsed.TotalSeconds;
            Console.WriteLine($"fanout: {clusters} agents {placement} connected in {connectSeconds:F1} s");

            var initial = Stopwatch.StartNew();
            await hub.Api.CreateApplicationAsync("bench", git.Path, ct);
            await hub.Api.WaitForCommitAsync("bench", first, clusters, TimeSpan.FromSeconds(2 * deadline.TotalSeconds), ct);
            initialSeconds = initial.Elapsed.TotalSeconds;
            Console.WriteLine($"fanout: first deployment of {resources} resources Synced and Healthy on {clusters} clusters in {initialSeconds:F1} s");

            for (var run = 1; run <= runs; run++)
            {
                var commit = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(run), workloads);
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var call = await BenchTrigger.FireAsync(trigger, hub.Api, hub.Host.HttpAddress, "bench", git.Path, ct);
                var times = await hub.Api.WaitForCommitDetailedAsync("bench", commit, clusters, deadline, ct);
                if (times.Incomplete is not null)
                {
                    Console.WriteLine($"  fanout run {run}: INCOMPLETE: {times.Incomplete}");
                    incomplete.Add(times.Incomplete);
                }
                triggerCallMs.Add(await call);
                var summary = BenchStats.Summarize(times.Healthy.Values.Select(t => (double)(t - t0)).ToArray());
                var firstStatus = BenchStats.Summarize(times.FirstStatus.Values.Select(t => (double)(t - t0)).ToArray());
                var rendered = times.RenderedUnixMs - t0;
                // Where the time went: the simulated controllers' own rollout-complete stamps (1 s resolution); only
                // readable when the simulated clusters are in this process.
                var done = await fleet.RolloutDoneUnixMsAsync("bench", ct);
                var rolloutDone = done is null ? null : BenchStats.Summarize(done.Select(t => (double)(t - t0)).ToArray());
                Console.WriteLine($"  fanout run {run}: {summary} ({trigger} call {triggerCallMs[^1]:F0} ms; rendered at +{rendered} ms; first status at the commit p50 {firstStatus.P50:F0} ms, max {firstStatus.Max:F0} ms; simulated rollouts done {(rolloutDone is null ? "not measured (clusters in worker processes)" : $"p50 {rolloutDone.P50:F0} ms, max {rolloutDone.Max:F0} ms")})");
                if (rolloutDone is not null)
                {
                    rolloutDoneRuns.Add(rolloutDone);
                }
                summaries.Add(summary);
                renderedMs.Add(rendered);
                firstStatusRuns.Add(firstStatus);
            }
            descriptors = fleet.Descriptors.ToString();
            (peakOpenFiles, peakWorkerOpenFiles) = (fleet.Descriptors.PeakSelf, fleet.Descriptors.PeakWorker);
            Console.WriteLine($"fanout: {descriptors}");
            await fleet.DisposeAsync();
            await hub.Api.WaitForNoneConnectedAsync(TimeSpan.FromSeconds(30), ct);
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
            clusters, resources, workloads, incomplete, controllerDelayMs = controllerDelay.TotalMilliseconds, trigger, triggerCallMs,
            perProcess, placement, peakOpenFiles, peakWorkerOpenFiles, openFileLimit = DescriptorWatch.Limit,
            connectSeconds, initialDeploySeconds = initialSeconds, renderedMs, firstStatus = firstStatusRuns,
            simulatedRolloutDone = inWorkers ? "not measured: the simulated clusters ran in worker processes" : (object)rolloutDoneRuns,
            runs = summaries, median, floor,
        }, ct);
        return 0;
    }
}
