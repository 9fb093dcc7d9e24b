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
    private readonly string _dataDirectory;
    private GrpcChannel? _channel;

    private FleetTestBed(string dataDirectory) => _dataDirectory = dataDirectory;

    public HubHost Hub { get; private set; } = null!;
    public SimulatedClusterHost Simulator { get; private set; } = null!;
    public FleetService.FleetServiceClient Fleet { get; private set; } = null!;
    public Metadata Auth { get; private set; } = null!;
    public Dictionary<string, IKubernetes> Clusters { get; } = [];

    public static async Task<FleetTestBed> StartAsync(IReadOnlyDictionary<string, Dictionary<string, string>> clusters, CancellationToken cancellationToken)
    {
        var bed = new FleetTestBed(Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-" + Guid.NewGuid().ToString("N")[..12]));
        bed.Hub = await HubHost.StartAsync(new HubOptions { HttpPort = 0, GrpcPort = 0, DataDirectory = bed._dataDirectory }, cancellationToken);
        bed.Auth = new Metadata { { "authorization", $"Bearer {bed.Hub.InitialAdminToken}" } };
        bed._channel = GrpcChannel.ForAddress(bed.Hub.GrpcAddress);
        bed.Fleet = new FleetService.FleetServiceClient(bed._channel);
        bed.Simulator = await SimulatedClusterHost.StartAsync(
            new SimulatedClusterHostOptions { Port = 0, ControllerDelay = TimeSpan.FromMilliseconds(200) }, cancellationToken);

        var joinToken = await bed.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, bed.Auth, cancellationToken: cancellationToken);
        foreach (var (name, labels) in clusters)
        {
            var cluster = await bed.Simulator.AddClusterAsync(name, cancellationToken);
            var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            bed.Clusters[name] = kubernetes;
            var runner = new AgentRunner(
                new AgentOptions { HubUrl = bed.Hub.GrpcAddress.ToString(), JoinToken = joinToken.Token, ClusterName = name, Labels = labels },
                kubernetes,
                NullLoggerFactory.Instance);
            bed._agentTasks.Add(Task.Run(() => runner.RunAsync(bed._agents.Token), CancellationToken.None));
        }
        return bed;
    }

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
