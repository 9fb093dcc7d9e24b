using System.Globalization;
using System.IO.Enumeration;

namespace GitOpsFleet.Bench;

/// <summary>
/// Samples the open descriptors of this process (and of its worker processes) once a second and keeps the peaks:
/// one process may hold at most its open-file limit (20,000 on the bench machine, not raisable), and the runtime
/// reports running out of them as "Out of memory.".
/// </summary>
internal sealed class DescriptorWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<IEnumerable<ChildProcess>> _workers;
    private readonly Task _sampling;
    private int _peakSelf;
    private int _peakWorker;

    private DescriptorWatch(Func<IEnumerable<ChildProcess>> workers)
    {
        _workers = workers;
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>The soft limit on open files of this process (its workers have the same), from /proc/self/limits.</summary>
    public static int Limit { get; } = ReadLimit();

    /// <summary>The most descriptors this process held at one sample.</summary>
    public int PeakSelf => Volatile.Read(ref _peakSelf);

    /// <summary>The most descriptors one worker process held at one sample (0: no workers).</summary>
    public int PeakWorker => Volatile.Read(ref _peakWorker);

    /// <summary>Starts sampling; <paramref name="workers"/> gives the worker processes to sample as well.</summary>
    public static DescriptorWatch Start(Func<IEnumerable<ChildProcess>> workers) => new(workers);

    /// <summary>Open descriptors of process <paramref name="pid"/> ("self" for this one); 0 when it is gone.</summary>
    /// <remarks>
    /// Counts /proc/PID/fdinfo, not /proc/PID/fd: fd entries are symbolic links, and enumerating them .NET stats each
    /// one to learn whether it points at a folder, a path string each as well. Sampling 7 workers of 1,500 deploying
    /// clusters (~10,000 descriptors each) every second that way was a large share of the CPU of the process that
    /// also hosts the hub (docs/benchmarks.md, fanout past 1,000). fdinfo entries are plain files: no stat, and this
    /// counts without building a string per entry.
    /// </remarks>
    public static int Count(string pid)
    {
        try
        {
            var entries = new FileSystemEnumerable<byte>($"/proc/{pid}/fdinfo", static (ref FileSystemEntry _) => 0, CountOptions);
            var count = 0;
            foreach (var _ in entries)
            {
                count++;
            }
            return count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static readonly EnumerationOptions CountOptions = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    /// <summary>"peak N open files in this process, M in one worker (limit L)" for a scenario's output.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"peak {PeakSelf} open files in this process{(PeakWorker > 0 ? $", {PeakWorker} in one worker" : "")} (limit {Limit} each)");

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        var self = Count("self");
        var worker = _workers().Select(w => w.OpenFiles()).DefaultIfEmpty(0).Max();
        if (self > _peakSelf)
        {
            Volatile.Write(ref _peakSelf, self);
        }
        if (worker > _peakWorker)
        {
            Volatile.Write(ref _peakWorker, worker);
        }
    }

    private static int ReadLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is [var soft, ..] && int.TryParse(soft, CultureInfo.InvariantCulture, out var limit) ? limit : int.MaxValue;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample();
        _stop.Dispose();
    }
}
