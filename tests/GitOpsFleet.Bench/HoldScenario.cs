using System.Diagnostics;
using System.Globalization;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Bench;

/// <summary>
/// hold: how many idle connected clusters one hub process holds. The hub is the real program (a child
/// process, so its memory and CPU are its own); the agents and simulated clusters run in this process.
/// The fleet steps up (--steps, default 1000,2000,5000,10000) on the same hub; at each step, after the new
/// agents are connected and S seconds of settling, the bench measures:
/// - heartbeat lag: now minus each connected cluster's last_seen_unix_ms (ListClusters), read --lag-readings
///   (4) times 5 s apart, one heartbeat period; agents heartbeat every 15 s, so a hub that keeps up shows under 15 s;
/// - a status round trip: a small application (2 ConfigMaps) goes to the probe clusters (label probe=yes,
///   every --probe-every'th, at least 1); a new commit plus SyncApplication, until every probe is Synced and
///   Healthy at it (the hub's updated_unix_ms);
/// - the ListClusters call itself, hub resident memory and CPU, this process's memory, the machine's.
/// A step FALLS BEHIND when a connect does not finish in time, a cluster shows disconnected, the heartbeat lag
/// p99 exceeds --lag-limit-s (30: a heartbeat missed), or the round trip p99 exceeds --probe-limit-s (5).
/// Past --per-process (5000) clusters the further agents run in worker processes of this bench (`agents`).
/// The run stops there, or before a step when the machine has less than --min-free-gb (4) available or the
/// run is past --budget-min (12) minutes. --runs R (1) repeats the whole stepping R times, each with a fresh hub,
/// fleet and repository, and reports the median of the runs' held figures.
/// </summary>
internal static class HoldScenario
{
    private sealed record HoldStep(int Clusters, double ConnectSeconds, int Disconnected, LatencySummary HeartbeatLagMs, LatencySummary ProbeRoundTripMs,
        double ListClustersMs, double HubRssMb, double HubPerClusterKb, double HubCpuPercent, double BenchRssMb, double MachineAvailableGb, string? FellBehind,
        int HubOpenFiles);

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var steps = args.Text("--steps", "1000,2000,5000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var settle = TimeSpan.FromSeconds(args.Int("--settle-s", 20));
        var probeEvery = args.Int("--probe-every", 100);
        var lagLimitMs = args.Int("--lag-limit-s", 30) * 1000.0;
        var perProcess = args.Int("--per-process", 5000);
        var probeLimitMs = args.Int("--probe-limit-s", 5) * 1000.0;
        var minFreeGb = args.Int("--min-free-gb", 4);
        var lagReadings = args.Int("--lag-readings", 4);
        var budget = TimeSpan.FromMinutes(args.Int("--budget-min", 12));
        var environment = args.Pairs("--hub-env");
        var runs = args.Int("--runs", 1);
        var ct = CancellationToken.None;
        var settings = new HoldSettings(steps, settle, probeEvery, lagLimitMs, perProcess, probeLimitMs, minFreeGb, lagReadings, budget, environment);
        var all = new List<HoldRun>();
        for (var run = 1; run <= runs; run++)
        {
            if (runs > 1)
            {
                Console.WriteLine($"hold: run {run} of {runs}");
            }
            var (results, baselineMb) = await RunOnceAsync(settings, ct);
            var runHeld = results.Where(r => r.FellBehind is null).Select(r => r.Clusters).DefaultIfEmpty(0).Max();
            Console.WriteLine($"hold: the hub held {runHeld} idle connected clusters without falling behind{(results.LastOrDefault()?.FellBehind is { } why ? $"; at {results[^1].Clusters}: {why}" : " (every step tried)")}");
            all.Add(new HoldRun(baselineMb, results, runHeld));
        }
        var held = BenchStats.Median(all.Select(r => (double)r.Held));
        if (runs > 1)
        {
            Console.WriteLine(FormattableString.Invariant($"hold, median of {runs}: {held:F0} idle connected clusters held (runs: {string.Join(" / ", all.Select(r => r.Held))})"));
        }
        await BenchOutput.WriteAsync(args.OutDirectory, "hold", new
        {
            steps, settleSeconds = settle.TotalSeconds, probeEvery, lagLimitMs, probeLimitMs, hubEnvironment = environment, perProcess,
            hubBaselineMb = all[0].HubBaselineMb, results = all[0].Results, runs = all, held,
        }, ct);
        return 0;
    }

    private sealed record HoldSettings(int[] Steps, TimeSpan Settle, int ProbeEvery, double LagLimitMs, int PerProcess, double ProbeLimitMs,
        int MinFreeGb, int LagReadings, TimeSpan Budget, Dictionary<string, string> Environment);

    private sealed record HoldRun(double HubBaselineMb, List<HoldStep> Results, int Held);

    /// <summary>One whole stepping on a fresh hub: the steps measured (the last one the one that fell behind, if any) and the hub's baseline.</summary>
    private static async Task<(List<HoldStep> Results, double BaselineMb)> RunOnceAsync(HoldSettings settings, CancellationToken ct)
    {
        var (steps, settle, probeEvery, lagLimitMs, perProcess, probeLimitMs, minFreeGb, lagReadings, budget, environment) = settings;
        var whole = Stopwatch.StartNew();
        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var version = 0;
        var commit = BenchManifests.CommitVersion(git, 2, BenchManifests.Version(version), workloads: false);
        var results = new List<HoldStep>();
        using var hub = await HubProcess.StartAsync(environment, ct);
        var token = await hub.Api.CreateJoinTokenAsync(ct);
        await hub.Api.ConnectedClustersAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var baselineMb = await hub.Child.ResidentMegabytesAsync(3, ct);
        await using var fleet = await SimulatedFleet.StartAsync(TimeSpan.FromMilliseconds(50), ct);
        var workers = new List<ChildProcess>();
        var folded = 0;
        try
        {
            var applicationCreated = false;
            foreach (var target in steps)
            {
                var available = MachineAvailableGb();
                if (available < minFreeGb)
                {
                    Console.WriteLine(FormattableString.Invariant($"hold: stopping before {target} clusters: the machine has {available:F1} GB available (--min-free-gb {minFreeGb})"));
                    break;
                }
                if (whole.Elapsed > budget)
                {
                    Console.WriteLine($"hold: stopping before {target} clusters: the run's budget of {budget.TotalMinutes:F0} min is spent (--budget-min)");
                    break;
                }
                try
                {
                    var added = target - folded;
                    var clock = Stopwatch.StartNew();
                    // This process first, then worker processes: one process's open-file limit holds about 5,000 folded clusters.
                    var here = Math.Min(added, Math.Max(0, perProcess - fleet.Count));
                    await fleet.AddAgentsAsync(hub.Api.GrpcAddress, token, "h", here,
                        i => new Dictionary<string, string> { ["probe"] = i % probeEvery == 0 ? "yes" : "no" }, null, ct);
                    for (var left = added - here; left > 0; left -= perProcess)
                    {
                        var count = Math.Min(left, perProcess);
                        workers.Add(await AgentsWorker.StartAsync(hub.Api.GrpcAddress, token, $"h{workers.Count + 1}", count, probeEvery, ct));
                    }
                    folded = target;
                    string? fellBehind = null;
                    try
                    {
                        // Slower than 10 connects a second, or past the budget, counts as connects falling behind.
                        var connectDeadline = TimeSpan.FromSeconds(Math.Min(60 + added / 10, Math.Max(30, (budget - whole.Elapsed).TotalSeconds)));
                        await hub.Api.WaitForConnectedAsync(target, connectDeadline, ct);
                    }
                    catch (TimeoutException e)
                    {
                        fellBehind = "connects: " + e.Message;
                    }
                    var connectSeconds = clock.Elapsed.TotalSeconds;
                    Console.WriteLine($"  hold: {target} clusters, connected in {connectSeconds:F1} s; settling {settle.TotalSeconds:F0} s");
                    await Task.Delay(settle, ct);

                    var cpuBefore = hub.Child.CpuSeconds();
                    var cpuClock = Stopwatch.StartNew();
                    var (lag, disconnected, listMs) = await HeartbeatLagAsync(hub.Api, lagReadings, ct);
                    var probes = (target + probeEvery - 1) / probeEvery;
                    if (!applicationCreated)
                    {
                        // The first deployment is not a round trip of an idle fleet: done once, not measured.
                        await hub.Api.CreateApplicationAsync("bench", git.Path, spec => spec.Destination.ClusterSelector["probe"] = "yes", ct);
                        await hub.Api.WaitForCommitAsync("bench", commit, probes, TimeSpan.FromSeconds(120), ct);
                        applicationCreated = true;
                    }
                    commit = BenchManifests.CommitVersion(git, 2, BenchManifests.Version(++version), workloads: false);
                    var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    await hub.Api.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "bench" }, hub.Api.Auth, cancellationToken: ct);
                    var times = await hub.Api.WaitForCommitDetailedAsync("bench", commit, probes, TimeSpan.FromSeconds(60), ct);
                    var roundTrip = BenchStats.Summarize(times.Healthy.Values.Select(t => (double)(t - t0)).ToArray());
                    var hubCpu = (hub.Child.CpuSeconds() - cpuBefore) / cpuClock.Elapsed.TotalSeconds * 100;
                    var hubMb = hub.Child.StatusMegabytes("VmRSS");
                    fellBehind ??= disconnected > 0 ? $"{disconnected} clusters disconnected"
                        : lag.P99 > lagLimitMs ? FormattableString.Invariant($"heartbeat lag p99 {lag.P99 / 1000:F1} s > {lagLimitMs / 1000:F0} s")
                        : times.Incomplete is not null ? "status round trip: " + times.Incomplete
                        : roundTrip.P99 > probeLimitMs ? FormattableString.Invariant($"status round trip p99 {roundTrip.P99 / 1000:F1} s > {probeLimitMs / 1000:F0} s")
                        : null;
                    var step = new HoldStep(target, connectSeconds, disconnected, lag, roundTrip, listMs, hubMb, (hubMb - baselineMb) * 1024 / target, hubCpu,
                        Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0 + workers.Sum(w => w.StatusMegabytes("VmRSS")), MachineAvailableGb(), fellBehind,
                        hub.Child.OpenFiles());
                    Console.WriteLine(FormattableString.Invariant(
                        $"  hold {target}: heartbeat lag {lag}; status round trip ({probes} probes) {roundTrip}; ListClusters {listMs:F0} ms; hub {hubMb:F0} MB ({step.HubPerClusterKb:F0} KB per cluster), CPU {hubCpu:F0}%, {step.HubOpenFiles} open files; bench {step.BenchRssMb:F0} MB; machine {step.MachineAvailableGb:F1} GB available{(fellBehind is null ? "" : "; FELL BEHIND: " + fellBehind)}"));
                    results.Add(step);
                    if (fellBehind is not null)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException && HasExited(hub.Child))
                {
                    // The hub died under the load (at 20,000: out of open files, one per agent connection): that is
                    // where it stopped holding, a result rather than a crash of the bench.
                    var last = hub.Child.Tail().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim();
                    var error = e is Grpc.Core.RpcException rpc ? $"gRPC {rpc.StatusCode}" : $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                    var why = $"the hub process exited ({error}); its last output: {last}";
                    Console.WriteLine($"  hold {target}: FELL BEHIND: {why}");
                    results.Add(new HoldStep(target, 0, target, BenchStats.Summarize([]), BenchStats.Summarize([]), 0, 0, 0, 0,
                        Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0, MachineAvailableGb(), why, 0));
                    break;
                }
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
        return (results, baselineMb);
    }

    /// <summary>Whether the child has exited or does within 5 s (a hub out of open files fails calls before it is gone).</summary>
    private static bool HasExited(ChildProcess child)
    {
        var deadline = Stopwatch.StartNew();
        while (!child.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(100);
        }
        return child.HasExited;
    }

    /// <summary>Lag of every connected cluster's last heartbeat, read <paramref name="readings"/> times 5 s apart.</summary>
    private static async Task<(LatencySummary Lag, int Disconnected, double ListMs)> HeartbeatLagAsync(HubApi api, int readings, CancellationToken cancellationToken)
    {
        var lags = new List<double>();
        var listMs = new List<double>();
        var disconnected = 0;
        for (var i = 0; i < readings; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
            var call = Stopwatch.StartNew();
            var clusters = await api.ClustersAsync(cancellationToken);
            listMs.Add(call.Elapsed.TotalMilliseconds);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lags.AddRange(clusters.Where(c => c.Connected).Select(c => (double)(now - c.LastSeenUnixMs)));
            disconnected = Math.Max(disconnected, clusters.Count(c => !c.Connected));
        }
        return (BenchStats.Summarize(lags), disconnected, BenchStats.Median(listMs));
    }

    /// <summary>MemAvailable from /proc/meminfo, in GB.</summary>
    private static double MachineAvailableGb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
