namespace GitOpsFleet.Bench;

/// <summary>
/// agents: a helper, not a measurement. Runs N simulated clusters with their agents against a hub until it
/// is killed, so one scenario can fold more clusters than one process's open-file limit allows (each folded
/// cluster holds about three descriptors: its agent's gRPC socket, its Kubernetes client's socket and the
/// simulated API server's end of it). Prints "agents started N" once every agent is running.
/// Options: --hub URL, --token JOIN_TOKEN, --prefix P (cluster names P-00000...), --count N, --probe-every K
/// (label probe=yes on every K'th cluster, probe=no on the rest; 0: no labels).
/// </summary>
internal static class AgentsWorker
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var hub = new Uri(args.Text("--hub", ""));
        var probeEvery = args.Int("--probe-every", 0);
        await using var fleet = await SimulatedFleet.StartAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        await fleet.AddAgentsAsync(hub, args.Text("--token", ""), args.Text("--prefix", "a"), args.Int("--count", 100),
            probeEvery > 0 ? i => new Dictionary<string, string> { ["probe"] = i % probeEvery == 0 ? "yes" : "no" } : null, null, CancellationToken.None);
        Console.WriteLine($"agents started {fleet.Count}");
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return 0;
    }

    /// <summary>Starts a worker process of this bench with <paramref name="count"/> agents and waits until they run.</summary>
    public static async Task<ChildProcess> StartAsync(Uri hub, string token, string prefix, int count, int probeEvery, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start("tests/GitOpsFleet.Bench", "GitOpsFleet.Bench.dll",
            ["agents", "--hub", hub.ToString(), "--token", token, "--prefix", prefix, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--probe-every", probeEvery.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        child.Line += line =>
        {
            if (line.StartsWith("agents started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(120 + count / 20), cancellationToken);
            return child;
        }
        catch (TimeoutException)
        {
            var tail = child.Tail();
            child.Dispose();
            throw new TimeoutException($"the agents worker {prefix} did not start its {count} agents in time; its output:{Environment.NewLine}{tail}");
        }
    }
}
