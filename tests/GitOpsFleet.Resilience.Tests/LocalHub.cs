using GitOpsFleet.Hub;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>One in-process hub on SQLite in its own temp data dir (loopback, free ports unless given), with an admin FleetService client.</summary>
internal sealed class LocalHub : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-faults-hub-" + Guid.NewGuid().ToString("N")[..12]);
    private GrpcChannel? _channel;
    private bool _disposed;

    public HubHost Host { get; private set; } = null!;
    public FleetService.FleetServiceClient Fleet { get; private set; } = null!;
    public Metadata Auth { get; private set; } = [];

    public static async Task<LocalHub> StartAsync(CancellationToken cancellationToken, int grpcPort = 0)
    {
        var hub = new LocalHub();
        hub.Host = await HubHost.StartAsync(new HubOptions { HttpPort = 0, GrpcPort = grpcPort, DataDirectory = hub._dataDirectory, ListenAddress = "127.0.0.1" }, cancellationToken);
        hub.Auth = new Metadata { { "authorization", $"Bearer {hub.Host.InitialAdminToken}" } };
        hub._channel = GrpcChannel.ForAddress(hub.Host.GrpcAddress);
        hub.Fleet = new FleetService.FleetServiceClient(hub._channel);
        return hub;
    }

    public async Task<string> JoinTokenAsync(CancellationToken cancellationToken) =>
        (await Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, Auth, cancellationToken: cancellationToken)).Token;

    /// <summary>Adds the repository (polled every second) and one application on every cluster with self-heal.</summary>
    public async Task CreateApplicationAsync(GitTestRepository git, CancellationToken cancellationToken)
    {
        await Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "web-repo", Url = git.Path, PollIntervalSeconds = 1 }, Upsert = true },
            Auth, cancellationToken: cancellationToken);
        await Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = RedisFleetBed.App,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "web-repo", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = RedisFleetBed.Namespace },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true, SelfHeal = true },
                },
            },
        }, Auth, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _channel?.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
