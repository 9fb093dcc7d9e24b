using System.Globalization;

namespace GitOpsFleet.Bench;

/// <summary>
/// agents: a helper, not a measurement. Runs N simulated clusters with their agents against a hub until it
/// is killed (or, with --parent, until that process is gone), so one scenario can fold more clusters than one
/// process's open-file limit allows: an idle folded cluster holds about three descriptors (its agent's gRPC
/// socket, its Kubernetes client's socket and the simulated API server's end of it), one that is deploying
/// up to ten (more Kubernetes client connections at once). Prints "agents started N" once every agent is running.
/// Options: --hub URL, --token JOIN_TOKEN, --prefix P, --first-index I (0) and --count N (cluster names
/// P-{I:D5} to P-{I+N-1:D5}), --labels SCHEME (none, waves, probe:K: <see cref="BenchLabels"/>, by that index),
/// --probe-every K (the same as --labels probe:K), --controller-delay-ms D (50), --parent PID (exit when it is gone).
/// </summary>
internal static class AgentsWorker
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var hub = new Uri(args.Text("--hub", ""));
        var probeEvery = args.Int("--probe-every", 0);
        var labels = args.Text("--labels", probeEvery > 0 ? BenchLabels.Probe(probeEvery) : BenchLabels.None);
        var parent = args.Int("--parent", 0);
        var parentStart = parent > 0 ? ProcessStartTime(parent) : null;
        await using var fleet = await SimulatedFleet.StartAsync(TimeSpan.FromMilliseconds(args.Int("--controller-delay-ms", 50)), CancellationToken.None);
        fleet.FirstIndex = args.Int("--first-index", 0);
        await fleet.AddAgentsAsync(hub, args.Text("--token", ""), args.Text("--prefix", "a"), args.Int("--count", 100),
            BenchLabels.For(labels), null, CancellationToken.None);
        Console.WriteLine($"agents started {fleet.Count}");
        if (parent <= 0)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }
        // A parent that dies without killing its workers (SIGKILL, the runtime failing fast) must not leave them
        // running: polled, because a parent-death signal fires when the forking thread ends, not the process.
        while (ProcessStartTime(parent) == parentStart)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
        Console.WriteLine($"agents: parent process {parent} is gone; stopping");
        return 0;
    }

    /// <summary>Starts a worker process of this bench with <paramref name="count"/> agents and waits until they run.</summary>
    public static async Task<ChildProcess> StartAsync(Uri hub, string token, string prefix, int count, int probeEvery, CancellationToken cancellationToken)
    {
        var (child, started) = Launch(hub, token, prefix, 0, count, probeEvery > 0 ? BenchLabels.Probe(probeEvery) : BenchLabels.None, TimeSpan.FromMilliseconds(50));
        try
        {
            await WaitStartedAsync(child, started, prefix, count, cancellationToken);
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a worker process with the clusters PREFIX-{firstIndex:D5}... and returns at once with a task that ends
    /// when they run (<see cref="WaitStartedAsync"/>); the caller owns the child, whatever happens.
    /// </summary>
    public static (ChildProcess Child, Task Started) Launch(Uri hub, string token, string prefix, int firstIndex, int count, string labels, TimeSpan controllerDelay)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start("tests/GitOpsFleet.Bench", "GitOpsFleet.Bench.dll",
            ["agents", "--hub", hub.ToString(), "--token", token, "--prefix", prefix, "--first-index", Invariant(firstIndex), "--count", Invariant(count),
             "--labels", labels, "--controller-delay-ms", Invariant((int)controllerDelay.TotalMilliseconds), "--parent", Invariant(Environment.ProcessId)]);
        child.Line += line =>
        {
            if (line.StartsWith("agents started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        child.Exited += () => started.TrySetException(new InvalidOperationException(
            $"the agents worker {prefix} (from {firstIndex}, {count} clusters) exited before its agents started; its output:{Environment.NewLine}{child.Tail()}"));
        return (child, started.Task);
    }

    /// <summary>Waits for a launched worker's agents, with a deadline that grows with their number.</summary>
    public static async Task WaitStartedAsync(ChildProcess child, Task started, string prefix, int count, CancellationToken cancellationToken)
    {
        try
        {
            await started.WaitAsync(TimeSpan.FromSeconds(120 + count / 20), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the agents worker {prefix} did not start its {count} agents in time; its output:{Environment.NewLine}{child.Tail()}");
        }
    }

    /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks): null once the process is gone; a reused PID shows another.</summary>
    private static string? ProcessStartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
