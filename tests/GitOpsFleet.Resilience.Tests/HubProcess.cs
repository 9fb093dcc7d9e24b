using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// One hub silo as a separate process (`dotnet GitOpsFleet.Hub.dll --redis ...`), free ports, its own data dir;
/// its addresses come from the "hub ready" line it prints. <see cref="Kill"/> is SIGKILL: no graceful leave.
/// </summary>
public sealed partial class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly TaskCompletionSource<(Uri Http, Uri Grpc)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private bool _disposed;

    private HubProcess(Process process, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
    }

    public Uri HttpAddress { get; private set; } = null!;

    public Uri GrpcAddress { get; private set; } = null!;

    public static async Task<HubProcess> StartAsync(string redis, string? adminTokenFile, CancellationToken cancellationToken, int grpcPort = 0, int siloPort = 0)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-silo-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HubDll());
        foreach (var arg in new[] { "--redis", redis, "--http-port", "0", "--grpc-port", grpcPort.ToString(), "--silo-port", siloPort.ToString(), "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(arg);
        }
        if (adminTokenFile is not null)
        {
            start.ArgumentList.Add("--admin-token-file");
            start.ArgumentList.Add(adminTokenFile);
        }
        var hub = new HubProcess(Process.Start(start) ?? throw new InvalidOperationException("the hub process did not start"), dataDirectory);
        hub._process.OutputDataReceived += (_, e) => hub.OnLine(e.Data);
        hub._process.ErrorDataReceived += (_, e) => hub.OnLine(e.Data);
        hub._process.BeginOutputReadLine();
        hub._process.BeginErrorReadLine();
        try
        {
            var (http, grpc) = await hub._ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            hub.HttpAddress = http;
            hub.GrpcAddress = grpc;
            return hub;
        }
        catch (TimeoutException)
        {
            await hub.DisposeAsync();
            throw new InvalidOperationException($"hub process on {redis} was not ready within 60 s; output:\n{hub.Output}");
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"the hub process exited before it was ready; output:\n{Output}"));
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        var ready = ReadyLine().Match(line);
        if (ready.Success)
        {
            _ready.TrySetResult((new Uri(ready.Groups["http"].Value), new Uri(ready.Groups["grpc"].Value)));
        }
    }

    [GeneratedRegex(@"hub ready: HTTP (?<http>http://\S+) · gRPC (?<grpc>http://\S+)")]
    private static partial Regex ReadyLine();

    /// <summary>The hub's build output next to this test's (same configuration), found from the repository root.</summary>
    private static string HubDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testDir.Parent!.Name; // bin/<Configuration>/net10.0/
        for (var dir = testDir; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "hub", "GitOpsFleet.Hub", "bin", configuration, testDir.Name, "GitOpsFleet.Hub.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"GitOpsFleet.Hub.dll ({configuration}) not found above {testDir.FullName}; build hub/GitOpsFleet.Hub first");
    }

    /// <summary>SIGKILL: the silo leaves no membership update, open streams just break.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }
        _disposed = true;
        Kill();
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
        return ValueTask.CompletedTask;
    }
}
