using System.Diagnostics;

namespace GitOpsFleet.Bench;

/// <summary>
/// A scenario's simulated clusters and their agents: in this process (<see cref="SimulatedFleet"/>) up to
/// <c>perProcess</c> clusters, past that all of them in `agents` worker processes of at most <c>perProcess</c>
/// each, because one process may hold only 20,000 open files and a deploying folded cluster holds about ten
/// (both ends of its agent's gRPC connection, both ends of its Kubernetes client's HTTP connections). Cluster
/// names (PREFIX-00000...) and labels (by index, <see cref="BenchLabels"/>) are the same either way. Watches the
/// open descriptors of this process and of the workers (<see cref="Descriptors"/>); kills the workers on dispose.
/// </summary>
internal sealed class BenchFleet : IAsyncDisposable
{
    private readonly List<ChildProcess> _workers;
    private bool _disposed;

    private BenchFleet(SimulatedFleet? inProcess, List<ChildProcess> workers, int count)
    {
        InProcess = inProcess;
        _workers = workers;
        Count = count;
        Descriptors = DescriptorWatch.Start(() => _workers);
    }

    /// <summary>The folded clusters when they run in this process; null when they run in workers.</summary>
    public SimulatedFleet? InProcess { get; }

    /// <summary>The worker processes (none when the clusters run in this process).</summary>
    public IReadOnlyList<ChildProcess> Workers => _workers;

    public int Count { get; }

    public DescriptorWatch Descriptors { get; }

    /// <summary>"in this process" or "in K worker processes of at most N" for a scenario's output.</summary>
    public string Placement => InProcess is not null ? "in this process" : $"in {_workers.Count} agents worker processes";

    /// <summary>
    /// Starts <paramref name="count"/> clusters named PREFIX-00000... with one agent each, connecting to
    /// <paramref name="hubGrpc"/>: in this process when <paramref name="count"/> is at most <paramref name="perProcess"/>,
    /// else in as few worker processes of at most <paramref name="perProcess"/> as will hold them, sized evenly.
    /// Returns once every agent runs (not yet connected: wait on the hub for that).
    /// </summary>
    public static async Task<BenchFleet> StartAsync(Uri hubGrpc, string joinToken, string prefix, int count, int perProcess, string labels,
        TimeSpan controllerDelay, CancellationToken cancellationToken)
    {
        if (count <= perProcess)
        {
            var fleet = await SimulatedFleet.StartAsync(controllerDelay, cancellationToken);
            try
            {
                await fleet.AddAgentsAsync(hubGrpc, joinToken, prefix, count, BenchLabels.For(labels), null, cancellationToken);
                return new BenchFleet(fleet, [], count);
            }
            catch
            {
                await fleet.DisposeAsync();
                throw;
            }
        }
        var processes = (count + perProcess - 1) / perProcess;
        var workers = new List<ChildProcess>();
        var started = new List<Task>();
        try
        {
            for (int k = 0, first = 0; k < processes; k++)
            {
                var share = count / processes + (k < count % processes ? 1 : 0);
                var (child, ready) = AgentsWorker.Launch(hubGrpc, joinToken, prefix, first, share, labels, controllerDelay);
                workers.Add(child);
                started.Add(AgentsWorker.WaitStartedAsync(child, ready, $"{prefix} #{k + 1}", share, cancellationToken));
                first += share;
            }
            await Task.WhenAll(started);
            return new BenchFleet(null, workers, count);
        }
        catch
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Per cluster, when its simulated controllers finished rolling out (<see cref="SimulatedFleet.RolloutDoneUnixMsAsync"/>);
    /// null when the clusters run in workers, where this process cannot read them.
    /// </summary>
    public async Task<List<long>?> RolloutDoneUnixMsAsync(string ns, CancellationToken cancellationToken) =>
        InProcess is null ? null : await InProcess.RolloutDoneUnixMsAsync(ns, cancellationToken);

    /// <summary>Resident memory of this process plus every worker, in MB.</summary>
    public double ResidentMegabytes() =>
        Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0 + _workers.Where(w => !w.HasExited).Sum(w => w.StatusMegabytes("VmRSS"));

    /// <summary>Stops every agent (kills the workers); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await Descriptors.DisposeAsync();
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
        if (InProcess is not null)
        {
            await InProcess.DisposeAsync();
        }
    }
}
