using System.Diagnostics;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Bench;

/// <summary>
/// waves: the fanout set-up (N real agents in this process, or in `agents` worker processes past --per-process,
/// a real in-process hub, one application from a real Git repository) with a rollout strategy of three waves: 10% of the clusters (label wave=1), 30%
/// (wave=2), the rest (empty selector); maxParallel unset (a wave moves at once), no bake time, no approval.
/// Per run: commit a new version, fire the trigger (--trigger: a push webhook, default, which lets the rollout
/// move wave by wave as a real push would; or SyncApplication, which also sends every cluster a Sync command),
/// and measure from just before it until the last cluster of the last wave is Synced and Healthy at the commit
/// (the hub's updated_unix_ms, as fanout), and until the rollout says Succeeded; each wave's start and pass from
/// the rollout's own events.
/// Options: --clusters N (1000), --runs R (3), --resources M (10), --controller-delay-ms D (50),
/// --no-workloads (ConfigMaps and Services only), --deadline-s S (120 + N/5), --trigger webhook|sync (webhook),
/// --per-process P (1500, as fanout).
/// </summary>
internal static class WavesScenario
{
    private sealed record WavesRun(double LastHealthySeconds, double RolloutSucceededSeconds, double RenderedSeconds, LatencySummary Healthy,
        List<double> WaveStartedSeconds, List<double> WavePassedSeconds, string? Incomplete);

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 1000);
        var runs = args.Int("--runs", 3);
        var resources = args.Int("--resources", 10);
        var controllerDelay = TimeSpan.FromMilliseconds(args.Int("--controller-delay-ms", 50));
        var workloads = !args.Flag("--no-workloads");
        var deadline = TimeSpan.FromSeconds(args.Int("--deadline-s", 120 + clusters / 5));
        var trigger = BenchTrigger.Parse(args);
        var perProcess = args.Int("--per-process", FanoutScenario.DefaultPerProcess);
        var ct = CancellationToken.None;

        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var first = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(0), workloads);
        var results = new List<WavesRun>();
        var startup = Stopwatch.StartNew();
        string placement, descriptors;
        await using (var hub = await InProcessHub.StartAsync(ct))
        {
            var token = await hub.Api.CreateJoinTokenAsync(ct);
            await using var fleet = await BenchFleet.StartAsync(hub.Host.GrpcAddress, token, "w", clusters, perProcess, BenchLabels.Waves, controllerDelay, ct);
            placement = fleet.Placement;
            await hub.Api.WaitForConnectedAsync(clusters, TimeSpan.FromSeconds(60 + clusters / 5), ct);
            Console.WriteLine($"waves: {clusters} agents {placement} connected in {startup.Elapsed.TotalSeconds:F1} s");
            await hub.Api.CreateApplicationAsync("bench", git.Path, spec => spec.Rollout = Strategy(), ct);
            // The first deployment goes everywhere at once (nothing older to protect).
            await hub.Api.WaitForCommitAsync("bench", first, clusters, 2 * deadline, ct);

            for (var run = 1; run <= runs; run++)
            {
                var commit = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(run), workloads);
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var call = await BenchTrigger.FireAsync(trigger, hub.Api, hub.Host.HttpAddress, "bench", git.Path, ct);
                var times = await hub.Api.WaitForCommitDetailedAsync("bench", commit, clusters, deadline, ct);
                var rollout = await WaitForRolloutAsync(hub.Api, commit, TimeSpan.FromSeconds(30), ct);
                await call;
                var healthy = BenchStats.Summarize(times.Healthy.Values.Select(t => (double)(t - t0)).ToArray());
                double Seconds(long unixMs) => unixMs == 0 ? double.NaN : (unixMs - t0) / 1000.0;
                var started = WaveEvents(rollout, "RolloutWaveStarted").Select(Seconds).ToList();
                var passed = WaveEvents(rollout, "RolloutWavePassed").Select(Seconds).ToList();
                var result = new WavesRun(healthy.Max / 1000, rollout?.Phase == "Succeeded" ? Seconds(rollout.FinishedUnixMs) : double.NaN,
                    Seconds(times.RenderedUnixMs), healthy, started, passed, times.Incomplete);
                Console.WriteLine(FormattableString.Invariant(
                    $"  waves run {run}: last wave Healthy at +{result.LastHealthySeconds:F1} s, rollout {rollout?.Phase ?? "missing"} at +{result.RolloutSucceededSeconds:F1} s; waves started at {Join(started)} s, passed at {Join(passed)} s{(times.Incomplete is null ? "" : "; INCOMPLETE: " + times.Incomplete)}"));
                results.Add(result);
            }
            descriptors = fleet.Descriptors.ToString();
            Console.WriteLine($"waves: {descriptors}");
            await fleet.DisposeAsync();
            await hub.Api.WaitForNoneConnectedAsync(TimeSpan.FromSeconds(30), ct);
        }
        var lastHealthy = BenchStats.Median(results.Select(r => r.LastHealthySeconds));
        var succeeded = BenchStats.Median(results.Select(r => r.RolloutSucceededSeconds));
        Console.WriteLine(FormattableString.Invariant(
            $"waves, {clusters} clusters (10%/30%/60%, no bake), median of {runs}: commit to last wave Healthy {lastHealthy:F1} s, to rollout Succeeded {succeeded:F1} s (goal < 15 s)"));
        await BenchOutput.WriteAsync(args.OutDirectory, "waves", new
        {
            clusters, resources, workloads, controllerDelayMs = controllerDelay.TotalMilliseconds, trigger, perProcess, placement, openFiles = descriptors,
            waves = "wave=1 (10%), wave=2 (30%), rest (60%); maxParallel unset, bake 0",
            runs = results, medianLastHealthySeconds = lastHealthy, medianRolloutSucceededSeconds = succeeded,
        }, ct);
        return 0;
    }

    /// <summary>The waves by the labels of <see cref="BenchLabels.Waves"/>: wave=1, wave=2, the rest.</summary>
    private static RolloutStrategy Strategy()
    {
        var strategy = new RolloutStrategy { ProgressDeadlineSeconds = 600 };
        strategy.Waves.Add(new RolloutWave { Name = "canary", Selector = { ["wave"] = "1" } });
        strategy.Waves.Add(new RolloutWave { Name = "early", Selector = { ["wave"] = "2" } });
        strategy.Waves.Add(new RolloutWave { Name = "rest" });
        return strategy;
    }

    /// <summary>The rollout to <paramref name="commit"/> once it has finished (or whatever it is at the deadline).</summary>
    private static async Task<Rollout?> WaitForRolloutAsync(HubApi api, string commit, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Rollout? rollout = null;
        while (clock.Elapsed < deadline)
        {
            rollout = await api.Fleet.GetRolloutAsync(new RolloutRequest { Name = "bench" }, api.Auth, cancellationToken: cancellationToken);
            if (rollout.ToRevision == commit && rollout.FinishedUnixMs > 0)
            {
                return rollout;
            }
            await Task.Delay(100, cancellationToken);
        }
        return rollout?.ToRevision == commit ? rollout : null;
    }

    private static IEnumerable<long> WaveEvents(Rollout? rollout, string type) =>
        rollout?.Events.Where(e => e.Type == type).Select(e => e.UnixMs) ?? [];

    private static string Join(IEnumerable<double> seconds) => string.Join(" / ", seconds.Select(s => s.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
}
