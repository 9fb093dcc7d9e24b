using System.Diagnostics;
using System.Globalization;

namespace GitOpsFleet.Bench;

/// <summary>A built GitOpsFleet program run as a child (dotnet DLL args), its output drained, its memory read from /proc.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    // Every child not yet disposed: killed when this process ends, however it ends short of SIGKILL or a
    // fail-fast (Ctrl-C, SIGTERM, an exception out of Main), so no worker or hub outlives a failed run.
    private static readonly HashSet<ChildProcess> Live = [];

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Raised for each line the child writes (stdout or stderr).</summary>
    public event Action<string>? Line;

    /// <summary>Raised when the child exits, whatever the reason.</summary>
    public event Action? Exited;

    /// <summary>Kills every child this process started and has not disposed.</summary>
    public static void KillAll()
    {
        ChildProcess[] live;
        lock (Live)
        {
            live = [.. Live];
        }
        foreach (var child in live)
        {
            child.Kill();
        }
    }

    /// <summary>Open descriptors of the child now (entries of /proc/PID/fd); 0 once it is gone.</summary>
    public int OpenFiles() => DescriptorWatch.Count(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts `dotnet DLL args`, where DLL is relative to the repository root and the build configuration of this bench.</summary>
    public static ChildProcess Start(string projectDirectory, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(RepositoryRoot(), projectDirectory, "bin", BuildConfiguration(), "net10.0", dll);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing; build it first: dotnet build -c {BuildConfiguration()} {projectDirectory}", path);
        }
        return Launch("dotnet", [path, .. arguments], environment);
    }

    /// <summary>Starts a native program (a Native AOT publish, say) with args.</summary>
    public static ChildProcess StartExecutable(string path, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing; publish it first", path);
        }
        return Launch(path, arguments, environment);
    }

    private static ChildProcess Launch(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.Exited?.Invoke();
        process.Start();
        lock (Live)
        {
            Live.Add(child);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
            if (_lines.Count > 200)
            {
                _lines.RemoveAt(0);
            }
        }
        Line?.Invoke(line);
    }

    /// <summary>The last lines the child wrote, for error messages.</summary>
    public string Tail()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(20));
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>A field of /proc/PID/status in MB (VmRSS: resident now, VmHWM: peak resident).</summary>
    public double StatusMegabytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field}");
    }

    /// <summary>Resident KB per mapping (file name, or the kernel's name for anonymous ones), largest first, from /proc/PID/smaps.</summary>
    public List<KeyValuePair<string, long>> ResidentByMapping(int top)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var current = "";
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                current = fields.Length >= 6 ? Path.GetFileName(fields[5]) is { Length: > 0 } name ? name : fields[5] : "[anonymous]";
            }
            else if (fields is ["Rss:", var kb, ..])
            {
                sizes[current] = sizes.GetValueOrDefault(current) + long.Parse(kb, CultureInfo.InvariantCulture);
            }
        }
        return [.. sizes.OrderByDescending(s => s.Value).Take(top)];
    }

    /// <summary>User plus system CPU seconds the child has used (from /proc/PID/stat, 100 ticks a second).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Median VmRSS of <paramref name="samples"/> readings one second apart, in MB.</summary>
    public async Task<double> ResidentMegabytesAsync(int samples, CancellationToken cancellationToken)
    {
        var values = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(1000, cancellationToken);
            }
            values.Add(StatusMegabytes("VmRSS"));
        }
        return BenchStats.Median(values);
    }

    /// <summary>Kills the child (SIGKILL: no shutdown, as a crash or an OOM kill would) and waits until it is gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        lock (Live)
        {
            Live.Remove(this);
        }
        _process.Dispose();
    }

    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GitOpsFleet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no GitOpsFleet.sln above {AppContext.BaseDirectory}; run the bench from its build output in the repository");
    }
}
