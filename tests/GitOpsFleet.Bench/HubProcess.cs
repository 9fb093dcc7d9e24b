using System.Text.RegularExpressions;

namespace GitOpsFleet.Bench;

/// <summary>The real hub program (hub/GitOpsFleet.Hub) as a child process, so its memory is its own.</summary>
internal sealed partial class HubProcess : IDisposable
{
    private readonly string _dataDirectory;

    private HubProcess(ChildProcess child, string dataDirectory, HubApi api)
    {
        Child = child;
        _dataDirectory = dataDirectory;
        Api = api;
    }

    public ChildProcess Child { get; }
    public HubApi Api { get; }

    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "gitopsfleet-bench-hub-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var tokenFile = Path.Combine(data, "admin-token");
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start("hub/GitOpsFleet.Hub", "GitOpsFleet.Hub.dll",
            ["--http-port", "0", "--grpc-port", "0", "--data-dir", data, "--admin-token-file", tokenFile], environment);
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
            return new HubProcess(child, data, new HubApi(grpc, token));
        }
        catch (TimeoutException)
        {
            var tail = child.Tail();
            child.Dispose();
            throw new TimeoutException($"the hub child process did not say it was ready within 60 s; its output:{Environment.NewLine}{tail}");
        }
    }

    [GeneratedRegex(@"hub ready: .*gRPC (\S+)")]
    private static partial Regex ReadyLine();

    public void Dispose()
    {
        Api.Dispose();
        Child.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Temp is cleaned by the OS.
        }
    }
}
