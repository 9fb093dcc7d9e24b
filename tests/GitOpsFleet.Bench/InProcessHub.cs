using GitOpsFleet.Hub;

namespace GitOpsFleet.Bench;

/// <summary>A real HubHost (Orleans silo, SQLite, gRPC on loopback) in this process, with its API client.</summary>
internal sealed class InProcessHub : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private InProcessHub(HubHost host, string dataDirectory)
    {
        Host = host;
        _dataDirectory = dataDirectory;
        Api = new HubApi(host.GrpcAddress, host.InitialAdminToken ?? throw new InvalidOperationException("the hub did not create an admin token"));
    }

    public HubHost Host { get; }
    public HubApi Api { get; }

    public static async Task<InProcessHub> StartAsync(CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "gitopsfleet-bench-hub-" + Guid.NewGuid().ToString("N")[..12]);
        var host = await HubHost.StartAsync(new HubOptions { HttpPort = 0, GrpcPort = 0, DataDirectory = data }, cancellationToken);
        return new InProcessHub(host, data);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold its file for a moment; temp is cleaned by the OS.
        }
    }
}
