using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Bench;

/// <summary>The real hub program (hub/GitOpsFleet.Hub) as a child process, so its memory is its own.</summary>
internal sealed partial class HubProcess : IDisposable
{
    private readonly string? _ownedDataDirectory;

    private HubProcess(ChildProcess child, string? ownedDataDirectory, HubApi api)
    {
        Child = child;
        _ownedDataDirectory = ownedDataDirectory;
        Api = api;
    }

    public ChildProcess Child { get; }
    public HubApi Api { get; }

    /// <summary>A fresh hub on free ports with its own temp data folder, deleted on Dispose.</summary>
    public static Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken) =>
        StartAsync(environment, null, 0, cancellationToken);

    /// <summary>
    /// A hub on <paramref name="dataDirectory"/> (kept on Dispose: the caller owns it, so a second hub can
    /// start on the same state after this one is killed; null: a fresh temp folder, deleted on Dispose) and
    /// gRPC port <paramref name="grpcPort"/> (0: a free one). The admin token is the one the first start wrote.
    /// </summary>
    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, string? dataDirectory, int grpcPort, CancellationToken cancellationToken)
    {
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "gitopsfleet-bench-hub-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var tokenFile = Path.Combine(data, "admin-token");
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start("hub/GitOpsFleet.Hub", "GitOpsFleet.Hub.dll",
            ["--http-port", "0", "--grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", data, "--admin-token-file", tokenFile], environment);
        child.Line += line =>
        {
            var match = ReadyLine().Match(line);
            if (match.Success)
            {
                ready.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        try
        {
            var grpc = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
            return new HubProcess(child, dataDirectory is null ? data : null, new HubApi(grpc, token));
        }
        catch (TimeoutException)
        {
            var tail = child.Tail();
            child.Dispose();
            throw new TimeoutException($"the hub child process did not say it was ready within 60 s; its output:{Environment.NewLine}{tail}");
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (for a hub that must come back on the same address).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"hub ready: .*gRPC (\S+)")]
    private static partial Regex ReadyLine();

    public void Dispose()
    {
        Api.Dispose();
        Child.Dispose();
        if (_ownedDataDirectory is null)
        {
            return;
        }
        try
        {
            Directory.Delete(_ownedDataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Temp is cleaned by the OS.
        }
    }
}
