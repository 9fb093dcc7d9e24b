using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// A redis-server child process of this test run on a free loopback port, with no persistence
/// (<see cref="PersistentRedisServer"/> keeps an append-only file and can be killed and started again);
/// never a system service. Missing redis-server is a failure with the fix in the message, never a skip.
/// </summary>
public class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>"127.0.0.1:PORT", the form the hub's --redis flag takes.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public Task InitializeAsync()
    {
        Port = FreePort();
        return StartProcessAsync();
    }

    /// <summary>Persistence settings; none by default.</summary>
    protected virtual IEnumerable<string> PersistenceArguments() => ["--save", "", "--appendonly", "no"];

    /// <summary>SIGKILL: no shutdown save, clients see the connection drop.</summary>
    protected void KillProcess()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts redis-server on <see cref="Port"/> and waits until it answers PING.</summary>
    protected async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(FindRedisServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in PersistenceArguments().Concat(["--port", Port.ToString(), "--bind", "127.0.0.1"]))
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await PingAsync(Port))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 10 s (exited: {_process.HasExited})");
            }
            await Task.Delay(50);
        }
    }

    private static string FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "redis-server is not installed; the Redis store and multi-silo tests need it: apt-get install -y redis-server (.ci/run does this)");
    }

    private static async Task<bool> PingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public virtual Task DisposeAsync()
    {
        KillProcess();
        return Task.CompletedTask;
    }
}
