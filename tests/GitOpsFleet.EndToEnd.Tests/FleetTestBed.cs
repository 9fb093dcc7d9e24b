using GitOpsFleet.Agent;
using GitOpsFleet.Hub;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>A real hub (silo + gRPC on loopback), simulated clusters and one real agent per cluster.</summary>
internal sealed class FleetTestBed : IAsyncDisposable
{
    private readonly CancellationTokenSource _agents = new();
    private readonly List<Task> _agentTasks = [];
    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Run)> _running = [];
    private readonly Dictionary<string, Dictionary<string, string>> _labels = [];
    private readonly string _dataDirectory;
    private GrpcChannel? _channel;
    private string _joinToken = "";
    private string? _caFile;

    private FleetTestBed(string dataDirectory) => _dataDirectory = dataDirectory;

    public HubHost Hub { get; private set; } = null!;
    public SimulatedClusterHost Simulator { get; private set; } = null!;
    public FleetService.FleetServiceClient Fleet { get; private set; } = null!;
    public Metadata Auth { get; private set; } = null!;
    public Dictionary<string, IKubernetes> Clusters { get; } = [];

    public static Task<FleetTestBed> StartAsync(IReadOnlyDictionary<string, Dictionary<string, string>> clusters, CancellationToken cancellationToken) =>
        StartAsync(clusters, tls: null, cancellationToken);

    /// <summary>With <paramref name="tls"/> the hub serves TLS with its files and agents and clients trust its CA.</summary>
    public static async Task<FleetTestBed> StartAsync(IReadOnlyDictionary<string, Dictionary<string, string>> clusters, GitOpsFleet.Tests.Tls.TestCertificates? tls, CancellationToken cancellationToken)
    {
        var bed = new FleetTestBed(Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-" + Guid.NewGuid().ToString("N")[..12]));
        var hubOptions = new HubOptions { HttpPort = 0, GrpcPort = 0, DataDirectory = bed._dataDirectory };
        if (tls is not null)
        {
            hubOptions.TlsCertificatePath = tls.CertificateFile;
            hubOptions.TlsKeyPath = tls.KeyFile;
            bed._caFile = tls.CaFile;
        }
        bed.Hub = await HubHost.StartAsync(hubOptions, cancellationToken);
        bed.Auth = new Metadata { { "authorization", $"Bearer {bed.Hub.InitialAdminToken}" } };
        bed._channel = GrpcChannel.ForAddress(bed.Hub.GrpcAddress, new GrpcChannelOptions { HttpHandler = TrustingHandler(tls?.CaFile) });
        bed.Fleet = new FleetService.FleetServiceClient(bed._channel);
        bed.Simulator = await SimulatedClusterHost.StartAsync(
            new SimulatedClusterHostOptions { Port = 0, ControllerDelay = TimeSpan.FromMilliseconds(200) }, cancellationToken);

        var joinToken = await bed.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, bed.Auth, cancellationToken: cancellationToken);
        bed._joinToken = joinToken.Token;
        foreach (var (name, labels) in clusters)
        {
            var cluster = await bed.Simulator.AddClusterAsync(name, cancellationToken);
            var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            bed.Clusters[name] = kubernetes;
            bed._labels[name] = labels;
            bed.StartAgent(name);
        }
        return bed;
    }

    /// <summary>Starts (again) the agent of <paramref name="name"/>; it reuses the credential stored in its cluster.</summary>
    public void StartAgent(string name)
    {
        var runner = new AgentRunner(
            new AgentOptions { HubUrl = Hub.GrpcAddress.ToString(), JoinToken = _joinToken, ClusterName = name, Labels = _labels[name], CaFile = _caFile },
            Clusters[name],
            NullLoggerFactory.Instance);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_agents.Token);
        var run = Task.Run(() => runner.RunAsync(stop.Token), CancellationToken.None);
        _running[name] = (stop, run);
        _agentTasks.Add(run);
    }

    /// <summary>Stops the agent of <paramref name="name"/> (its cluster and stored state stay).</summary>
    public async Task StopAgentAsync(string name)
    {
        var (stop, run) = _running[name];
        await stop.CancelAsync();
        await TestBedTeardown.WaitForAgentsAsync([run]);
        stop.Dispose();
    }

    /// <summary>A handler for another client of this hub (trusts the test CA when the hub serves TLS).</summary>
    public SocketsHttpHandler CreateHandler() => TrustingHandler(_caFile);

    private static SocketsHttpHandler TrustingHandler(string? caFile) =>
        GitOpsFleet.Tls.ServerTrust.Configure(new SocketsHttpHandler(), caFile is null ? null : GitOpsFleet.Tls.PemCertificates.LoadFile(caFile, caFile));

    public async Task<Application> GetApplicationAsync(string name) =>
        await Fleet.GetApplicationAsync(new GetApplicationRequest { Name = name, Resources = true }, Auth);

    public async ValueTask DisposeAsync()
    {
        await _agents.CancelAsync();
        await TestBedTeardown.WaitForAgentsAsync(_agentTasks);
        await TestBedTeardown.DisposeFleetAsync(Clusters.Values, _channel, Simulator, Hub, _dataDirectory);
        _agents.Dispose();
    }
}
