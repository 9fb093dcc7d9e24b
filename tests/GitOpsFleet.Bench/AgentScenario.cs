using System.Diagnostics;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using k8s;

namespace GitOpsFleet.Bench;

/// <summary>
/// agent: one real agent process (agent/GitOpsFleet.Agent, Release build, started with
/// --kubeconfig) managing M resources on a simulated cluster in this process, with a real hub in
/// this process. Per run: time from CreateApplication to Synced and Healthy; time of a re-apply of
/// the unchanged bundle (SyncApplication) and how many managed objects it rewrote; then the agent's
/// VmRSS after settling idle, split as the kernel sees it (anonymous: GC heap and runtime; file:
/// mapped assemblies and native libraries; shmem: the runtime's W^X double mapping of JIT code).
/// Options: --resources M (200), --runs R (3), --settle-s S (20), --agent-env K=V (repeatable:
/// runtime knobs for the agent process, to measure what they would save), --agent-binary PATH (the
/// Native AOT agent; default <see cref="DefaultAotBinary"/> when it has been published), --jit-only, --aot-only.
/// With an AOT agent each run measures the JIT agent and then the AOT agent, so both see the same machine.
/// </summary>
internal static class AgentScenario
{
    private sealed record AgentRun(double ApplyMs, double ReapplyMs, int ObjectsRewritten, double IdleRssMb, double PeakRssMb,
        double RssAnonMb = 0, double RssFileMb = 0, double RssShmemMb = 0, List<KeyValuePair<string, long>>? TopMappingsKb = null);

    /// <summary>Where the documented publish leaves the lean agent (docs/benchmarks.md, agent/GitOpsFleet.Agent/README.md).</summary>
    public const string DefaultAotBinary = "artifacts/agent-aot/publish/GitOpsFleet.Agent/release_linux-x64/gitopsfleet-agent";

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var resources = args.Int("--resources", 200);
        var runs = args.Int("--runs", 3);
        var settle = TimeSpan.FromSeconds(args.Int("--settle-s", 20));
        var environment = args.Pairs("--agent-env");
        var aotBinary = AotBinary(args);
        var variants = aotBinary is null ? new[] { "jit" } : args.Flag("--aot-only") ? ["aot"] : ["jit", "aot"];
        var results = variants.ToDictionary(v => v, _ => new List<AgentRun>());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var variant in variants)
            {
                var result = await RunOnceAsync(resources, settle, environment, variant == "aot" ? aotBinary : null, CancellationToken.None);
                Console.WriteLine(FormattableString.Invariant(
                    $"  agent ({variant}) run {run}: apply {result.ApplyMs:F0} ms, re-apply unchanged {result.ReapplyMs:F0} ms ({result.ObjectsRewritten} objects rewritten), idle RSS {result.IdleRssMb:F1} MB (anon {result.RssAnonMb:F1}, file {result.RssFileMb:F1}, shmem {result.RssShmemMb:F1}), peak {result.PeakRssMb:F1} MB"));
                results[variant].Add(result);
            }
        }
        var medians = results.ToDictionary(r => r.Key, r => Median(r.Value));
        foreach (var (variant, median) in medians)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"agent ({variant}), {resources} resources, median of {runs}: apply {median.ApplyMs:F0} ms, re-apply {median.ReapplyMs:F0} ms, idle RSS {median.IdleRssMb:F1} MB (anon {median.RssAnonMb:F1}, file {median.RssFileMb:F1}, shmem {median.RssShmemMb:F1}; goal 30 MB), peak {median.PeakRssMb:F1} MB"));
        }
        await BenchOutput.WriteAsync(args.OutDirectory, "agent", new
        {
            resources,
            settleSeconds = settle.TotalSeconds,
            agentEnvironment = environment,
            runs = results.GetValueOrDefault("jit"),
            median = medians.GetValueOrDefault("jit"),
            aot = aotBinary is null ? null : new { binary = aotBinary, runs = results["aot"], median = medians["aot"] },
        }, CancellationToken.None);
        return 0;
    }

    /// <summary>--agent-binary PATH, else the default publish path when it exists; null with --jit-only or when there is none.</summary>
    private static string? AotBinary(BenchArgs args)
    {
        if (args.Flag("--jit-only"))
        {
            return null;
        }
        var given = args.Text("--agent-binary", "");
        if (given.Length > 0)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"--agent-binary {given} does not exist", given);
        }
        var published = Path.Combine(ChildProcess.RepositoryRoot(), DefaultAotBinary);
        if (File.Exists(published))
        {
            return published;
        }
        Console.WriteLine($"  (no Native AOT agent at {DefaultAotBinary}: measuring the JIT agent only)");
        return null;
    }

    private static AgentRun Median(List<AgentRun> runs) => new(
        BenchStats.Median(runs.Select(r => r.ApplyMs)), BenchStats.Median(runs.Select(r => r.ReapplyMs)),
        (int)BenchStats.Median(runs.Select(r => (double)r.ObjectsRewritten)),
        BenchStats.Median(runs.Select(r => r.IdleRssMb)), BenchStats.Median(runs.Select(r => r.PeakRssMb)),
        BenchStats.Median(runs.Select(r => r.RssAnonMb)), BenchStats.Median(runs.Select(r => r.RssFileMb)), BenchStats.Median(runs.Select(r => r.RssShmemMb)));

    /// <summary>One run of the JIT agent (<paramref name="aotBinary"/> null) or of the native one.</summary>
    private static async Task<AgentRun> RunOnceAsync(int resources, TimeSpan settle, IReadOnlyDictionary<string, string> environment, string? aotBinary, CancellationToken ct)
    {
        using var git = GitTestRepository.Create("gitopsfleet-bench");
        var commit = BenchManifests.CommitVersion(git, resources, BenchManifests.Version(0));
        await using var hub = await InProcessHub.StartAsync(ct);
        await using var fleet = await SimulatedFleet.StartAsync(TimeSpan.FromMilliseconds(50), ct);
        var cluster = await fleet.Simulator.AddClusterAsync("agent-bench", ct);
        var kubeconfig = cluster.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "gitopsfleet-bench-" + Guid.NewGuid().ToString("N")[..12] + ".kubeconfig"));
        var token = await hub.Api.CreateJoinTokenAsync(ct);
        string[] agentArgs = ["--hub", hub.Host.GrpcAddress.ToString(), "--join-token", token, "--cluster-name", "agent-bench", "--kubeconfig", kubeconfig];
        using var agent = aotBinary is null
            ? ChildProcess.Start("agent/GitOpsFleet.Agent", "gitopsfleet-agent.dll", agentArgs, environment)
            : ChildProcess.StartExecutable(aotBinary, agentArgs, environment);
        using var kube = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        try
        {
            await hub.Api.WaitForConnectedAsync(1, TimeSpan.FromSeconds(60), ct);
            var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await hub.Api.CreateApplicationAsync("bench", git.Path, ct);
            var reached = await hub.Api.WaitForCommitAsync("bench", commit, 1, TimeSpan.FromSeconds(180), ct);
            var applyMs = reached.Values.Single() - t0;

            var before = await ResourceVersionsAsync(kube, ct);
            var t1 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await hub.Api.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "bench" }, hub.Api.Auth, cancellationToken: ct);
            var reapplied = await WaitForStatusAfterAsync(hub.Api, "bench", t1, TimeSpan.FromSeconds(120), ct);
            var after = await ResourceVersionsAsync(kube, ct);
            var rewritten = after.Count(a => !before.TryGetValue(a.Key, out var v) || v != a.Value);

            await Task.Delay(settle, ct);
            var idle = await agent.Child().ResidentMegabytesAsync(5, ct);
            return new AgentRun(applyMs, reapplied - t1, rewritten, idle, agent.Child().StatusMegabytes("VmHWM"),
                agent.StatusMegabytes("RssAnon"), agent.StatusMegabytes("RssFile"), agent.StatusMegabytes("RssShmem"), agent.ResidentByMapping(15));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"agent scenario failed: {e.Message}{Environment.NewLine}agent output:{Environment.NewLine}{agent.Tail()}", e);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private static ChildProcess Child(this ChildProcess process) => process.HasExited
        ? throw new InvalidOperationException($"the agent process exited early; its output:{Environment.NewLine}{process.Tail()}")
        : process;

    /// <summary>Waits for a status of the target reported after <paramref name="afterUnixMs"/> that says the operation succeeded.</summary>
    private static async Task<long> WaitForStatusAfterAsync(HubApi hub, string app, long afterUnixMs, TimeSpan deadline, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            var application = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = app }, hub.Auth, cancellationToken: ct);
            var target = application.Status.Targets.Single();
            if (target.UpdatedUnixMs > afterUnixMs && target.Phase == OperationPhase.Succeeded &&
                target.Sync == SyncStatus.Synced && target.Health == HealthStatus.Healthy)
            {
                return target.UpdatedUnixMs;
            }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"application {app}: no Succeeded status after the re-apply within {deadline.TotalSeconds:F0} s");
    }

    /// <summary>resourceVersion of every managed object in the application's namespace.</summary>
    private static async Task<Dictionary<string, string>> ResourceVersionsAsync(Kubernetes kube, CancellationToken ct)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in (await kube.CoreV1.ListNamespacedConfigMapAsync("bench", cancellationToken: ct)).Items)
        {
            versions["cm/" + o.Metadata.Name] = o.Metadata.ResourceVersion;
        }
        foreach (var o in (await kube.CoreV1.ListNamespacedServiceAsync("bench", cancellationToken: ct)).Items)
        {
            versions["svc/" + o.Metadata.Name] = o.Metadata.ResourceVersion;
        }
        foreach (var o in (await kube.AppsV1.ListNamespacedDeploymentAsync("bench", cancellationToken: ct)).Items)
        {
            versions["deploy/" + o.Metadata.Name] = o.Metadata.ResourceVersion;
        }
        return versions;
    }
}
