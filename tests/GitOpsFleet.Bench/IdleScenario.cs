using System.Diagnostics;

namespace GitOpsFleet.Bench;

/// <summary>
/// idle: resident memory of the hub per connected idle cluster. The hub runs as its own child
/// process (the real program, Release build); the N agents and their simulated clusters run in
/// this process (past --per-process in `agents` worker processes), so their memory is not counted. Per run: a fresh hub, its VmRSS with 0 clusters
/// (after its API has been used once and it has settled), then with N connected idle agents
/// (after they have settled), each the median of 5 readings one second apart.
/// Options: --clusters N (1000), --runs R (3), --settle-s S (15), --hub-env K=V (repeatable: runtime
/// knobs for the hub process, e.g. DOTNET_gcServer=0, to measure what they change), --per-process P (1500, as fanout).
/// </summary>
internal static class IdleScenario
{
    private sealed record IdleRun(double BaselineMb, double ConnectedMb, double PerClusterKb, double ConnectSeconds, double IdleCpuPercent,
        double BaselineAnonMb, double ConnectedAnonMb);

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 1000);
        var runs = args.Int("--runs", 3);
        var settle = TimeSpan.FromSeconds(args.Int("--settle-s", 15));
        var environment = args.Pairs("--hub-env");
        var perProcess = args.Int("--per-process", FanoutScenario.DefaultPerProcess);
        var ct = CancellationToken.None;
        var results = new List<IdleRun>();
        for (var run = 1; run <= runs; run++)
        {
            using var hub = await HubProcess.StartAsync(environment, ct);
            var token = await hub.Api.CreateJoinTokenAsync(ct);
            await hub.Api.ConnectedClustersAsync(ct);
            await Task.Delay(settle, ct);
            var baseline = await hub.Child.ResidentMegabytesAsync(5, ct);
            var baselineAnon = hub.Child.StatusMegabytes("RssAnon");

            var clock = Stopwatch.StartNew();
            await using var fleet = await BenchFleet.StartAsync(hub.Api.GrpcAddress, token, "idle", clusters, perProcess, BenchLabels.None, TimeSpan.FromSeconds(1), ct);
            await hub.Api.WaitForConnectedAsync(clusters, TimeSpan.FromSeconds(60 + clusters / 5), ct);
            var connectSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  idle run {run}: {clusters} clusters {fleet.Placement} connected to hub process {hub.Child.Id}; settling {settle.TotalSeconds:F0} s");
            await Task.Delay(settle, ct);
            var cpuBefore = hub.Child.CpuSeconds();
            var cpuClock = Stopwatch.StartNew();
            var connected = await hub.Child.ResidentMegabytesAsync(5, ct);
            var connectedAnon = hub.Child.StatusMegabytes("RssAnon");
            var idleCpu = (hub.Child.CpuSeconds() - cpuBefore) / cpuClock.Elapsed.TotalSeconds * 100;
            var stillConnected = await hub.Api.ConnectedClustersAsync(ct);
            if (stillConnected < clusters)
            {
                throw new InvalidOperationException($"idle: only {stillConnected} of {clusters} clusters still connected after settling");
            }
            var result = new IdleRun(baseline, connected, (connected - baseline) * 1024 / clusters, connectSeconds, idleCpu, baselineAnon, connectedAnon);
            Console.WriteLine(FormattableString.Invariant(
                $"  idle run {run}: hub {baseline:F1} MB with 0 clusters, {connected:F1} MB with {clusters} ({result.PerClusterKb:F1} KB per cluster); connected in {connectSeconds:F1} s; idle hub CPU {idleCpu:F1}%; anonymous {baselineAnon:F1} -> {connectedAnon:F1} MB; {fleet.Descriptors}"));
            results.Add(result);
        }
        var perCluster = BenchStats.Median(results.Select(r => r.PerClusterKb));
        Console.WriteLine(FormattableString.Invariant($"idle, {clusters} clusters, median of {runs}: {perCluster:F1} KB per connected idle cluster (goal 50 KB)"));
        await BenchOutput.WriteAsync(args.OutDirectory, "idle", new
        {
            clusters, perProcess, settleSeconds = settle.TotalSeconds, hubEnvironment = environment, runs = results, medianPerClusterKb = perCluster,
            medianBaselineMb = BenchStats.Median(results.Select(r => r.BaselineMb)),
            medianConnectedMb = BenchStats.Median(results.Select(r => r.ConnectedMb)),
        }, ct);
        return 0;
    }
}
