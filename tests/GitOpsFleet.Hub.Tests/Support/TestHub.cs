using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Sources;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GitOpsFleet.Hub.Tests.Support;

/// <summary>A real hub on free loopback ports with a temp data dir and fake sources, plus gRPC clients.</summary>
internal sealed class TestHub : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private TestHub(HubHost host, string dataDirectory, bool ownsDirectory, FakeGitSource git, FakeRenderer renderer, HttpMessageHandler? handler)
    {
        _ownsDirectory = ownsDirectory;
        Host = host;
        DataDirectory = dataDirectory;
        Git = git;
        Renderer = renderer;
        Channel = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = handler });
        // A restarted hub keeps its admin token; the file written on first start has it.
        AdminToken = host.InitialAdminToken ?? File.ReadAllText(Path.Combine(dataDirectory, "admin-token")).Trim();
        Fleet = new FleetService.FleetServiceClient(Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {AdminToken}");
            return metadata;
        }));
        Agents = new AgentService.AgentServiceClient(Channel);
    }

    public HubHost Host { get; }
    public string DataDirectory { get; }
    public FakeGitSource Git { get; }
    public FakeRenderer Renderer { get; }
    public GrpcChannel Channel { get; }
    public string AdminToken { get; }
    public FleetService.FleetServiceClient Fleet { get; }
    public AgentService.AgentServiceClient Agents { get; }

    /// <summary>Starts a hub; <paramref name="configure"/> changes its options (e.g. TLS files), <paramref name="handler"/> carries the clients (e.g. a CA to trust).</summary>
    public static async Task<TestHub> StartAsync(string? dataDirectory = null, bool realSources = false,
        Action<HubOptions>? configure = null, HttpMessageHandler? handler = null, Action<IServiceCollection>? configureServices = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        var git = new FakeGitSource();
        var renderer = new FakeRenderer();
        var options = new HubOptions
        {
            HttpPort = 0,
            GrpcPort = 0,
            DataDirectory = dataDirectory,
            ListenAddress = "127.0.0.1",
            AdminTokenFile = Path.Combine(dataDirectory, "admin-token"),
        };
        configure?.Invoke(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var host = await HubHost.StartAsync(options, services =>
        {
            if (!realSources)
            {
                services.AddSingleton<IGitSource>(git);
                services.AddSingleton<IManifestRenderer>(renderer);
            }
            configureServices?.Invoke(services);
        }, timeout.Token);
        return new TestHub(host, dataDirectory, ownsDirectory, git, renderer, handler);
    }

    /// <summary>Creates a join token and registers a cluster with it; returns the credential.</summary>
    public async Task<string> RegisterClusterAsync(string cluster, params (string Key, string Value)[] labels)
    {
        var request = new CreateJoinTokenRequest();
        foreach (var (key, value) in labels)
        {
            request.Labels[key] = value;
        }
        var token = await Fleet.CreateJoinTokenAsync(request);
        var response = await Agents.RegisterAsync(new RegisterRequest
        {
            JoinToken = token.Token,
            ClusterName = cluster,
            AgentVersion = "test",
            KubernetesVersion = "v1.32.0",
        });
        return response.Credential;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync();
        if (!_ownsDirectory)
        {
            return;
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp dir cleaner.
        }
    }
}
