using GitOpsFleet.Agent;
using GitOpsFleet.Hub;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>
/// Nine simulated clusters in three waves (labels wave=1/2/3), one agent each, a real hub that can be
/// restarted on the same data dir and ports, and a Git repository with one application.
/// </summary>
internal sealed class RolloutTestBed : IAsyncDisposable
{
    public const string Namespace = "web";
    public const string App = "web";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "gitopsfleet-rollout-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, CancellationTokenSource> _agentStops = [];
    private readonly List<Task> _agentTasks = [];
    private string _joinToken = "";
    private GrpcChannel? _channel;

    public HubHost Hub { get; private set; } = null!;
    public SimulatedClusterHost Simulator { get; private set; } = null!;
    public FleetService.FleetServiceClient Fleet { get; private set; } = null!;
    public Metadata Auth { get; private set; } = null!;
    public Dictionary<string, IKubernetes> Clusters { get; } = [];
    public Dictionary<string, Dictionary<string, string>> Labels { get; } = [];
    public GitTestRepository Git { get; } = GitTestRepository.Create();

    /// <summary>Clusters of one wave, by its label value.</summary>
    public IReadOnlyList<string> Wave(int wave) => Labels.Where(l => l.Value["wave"] == wave.ToString()).Select(l => l.Key).Order().ToList();

    public static async Task<RolloutTestBed> StartAsync()
    {
        var bed = new RolloutTestBed();
        bed.Hub = await HubHost.StartAsync(new HubOptions { HttpPort = 0, GrpcPort = 0, DataDirectory = bed._dataDirectory }, CancellationToken.None);
        bed.Auth = new Metadata { { "authorization", $"Bearer {bed.Hub.InitialAdminToken}" } };
        bed.Connect();
        bed.Simulator = await SimulatedClusterHost.StartAsync(
            new SimulatedClusterHostOptions { Port = 0, ControllerDelay = TimeSpan.FromMilliseconds(200) }, CancellationToken.None);
        bed._joinToken = (await bed.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, bed.Auth)).Token;
        for (var i = 1; i <= 9; i++)
        {
            var name = $"c{i}";
            bed.Labels[name] = new Dictionary<string, string> { ["wave"] = ((i - 1) / 3 + 1).ToString() };
            var cluster = await bed.Simulator.AddClusterAsync(name, CancellationToken.None);
            bed.Clusters[name] = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            bed.StartAgent(name);
        }
        return bed;
    }

    public void StartAgent(string name)
    {
        var stop = new CancellationTokenSource();
        _agentStops[name] = stop;
        var runner = new AgentRunner(
            new AgentOptions { HubUrl = Hub.GrpcAddress.ToString(), JoinToken = _joinToken, ClusterName = name, Labels = Labels[name] },
            Clusters[name],
            NullLoggerFactory.Instance);
        _agentTasks.Add(Task.Run(() => runner.RunAsync(stop.Token), CancellationToken.None));
    }

    /// <summary>A new simulated cluster in <paramref name="wave"/> whose agent joins the running hub.</summary>
    public async Task AddClusterAsync(string name, int wave)
    {
        Labels[name] = new Dictionary<string, string> { ["wave"] = wave.ToString() };
        var cluster = await Simulator.AddClusterAsync(name, CancellationToken.None);
        Clusters[name] = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
        StartAgent(name);
    }

    public async Task StopAgentAsync(string name) => await _agentStops[name].CancelAsync();

    /// <summary>Stops the hub and starts it again on the same data dir and ports; the agents reconnect by themselves.</summary>
    public async Task RestartHubAsync()
    {
        var grpc = Hub.GrpcAddress;
        var http = Hub.HttpAddress;
        _channel?.Dispose();
        await Hub.DisposeAsync();
        Hub = await HubHost.StartAsync(new HubOptions { HttpPort = http.Port, GrpcPort = grpc.Port, DataDirectory = _dataDirectory }, CancellationToken.None);
        Connect();
    }

    private void Connect()
    {
        _channel = GrpcChannel.ForAddress(Hub.GrpcAddress);
        Fleet = new FleetService.FleetServiceClient(_channel);
    }

    /// <summary>Commits version <paramref name="version"/> of a ConfigMap and a Deployment with <paramref name="image"/>.</summary>
    public string CommitVersion(string version, string image = "nginx:1.27")
    {
        Git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("web-config", version));
        Git.WriteFile("app/deployment.yaml", Manifests.Deployment("web", replicas: 1, image));
        return Git.Commit($"Version {version}");
    }

    public async Task CreateApplicationAsync(RolloutStrategy strategy)
    {
        await Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = "web-repo", Url = Git.Path, PollIntervalSeconds = 1 },
        }, Auth);
        await Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = App,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "web-repo", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = Namespace },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
                    Rollout = strategy,
                },
            },
        }, Auth);
    }

    /// <summary>Three waves by the wave label; small bake times and deadlines keep the tests quick.</summary>
    public static RolloutStrategy Strategy(int bakeSeconds = 1, string failurePolicy = "pause", int progressDeadlineSeconds = 30, bool approveWave2 = false)
    {
        var strategy = new RolloutStrategy { FailurePolicy = failurePolicy, ProgressDeadlineSeconds = progressDeadlineSeconds };
        for (var i = 1; i <= 3; i++)
        {
            var wave = new RolloutWave { Name = $"w{i}", MaxParallel = i == 3 ? "50%" : "2", BakeSeconds = bakeSeconds, RequireApproval = approveWave2 && i == 2 };
            wave.Selector.Add("wave", i.ToString());
            strategy.Waves.Add(wave);
        }
        return strategy;
    }

    public async Task<Application> GetApplicationAsync() =>
        await Fleet.GetApplicationAsync(new GetApplicationRequest { Name = App }, Auth);

    public async Task<Rollout> GetRolloutAsync() =>
        await Fleet.GetRolloutAsync(new RolloutRequest { Name = App }, Auth);

    public Task<Rollout> WaitForRolloutAsync(Func<Rollout, bool> done, string what) =>
        Eventually.UntilAsync(GetRolloutAsync, done, Deadline, what);

    /// <summary>Every named cluster Synced and Healthy at <paramref name="revision"/>, as its agent reported for the newest generation.</summary>
    public static bool AllAt(Application app, IEnumerable<string> clusters, string revision)
    {
        var targets = app.Status.Targets.ToDictionary(t => t.Cluster);
        return clusters.All(c => targets.TryGetValue(c, out var t) && t.DesiredRevision == revision && t.ObservedRevision == revision
            && t.ObservedGeneration == t.Generation && t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy);
    }

    public Task<Application> WaitForAllAtAsync(IEnumerable<string> clusters, string revision) =>
        Eventually.UntilAsync(GetApplicationAsync, app => AllAt(app, clusters, revision), Deadline, $"clusters Synced and Healthy at {revision[..8]}");

    public async Task<string> LiveVersionAsync(string cluster) =>
        (await Clusters[cluster].CoreV1.ReadNamespacedConfigMapAsync("web-config", Namespace)).Data["version"];

    public async Task<string> LiveImageAsync(string cluster) =>
        (await Clusters[cluster].AppsV1.ReadNamespacedDeploymentAsync("web", Namespace)).Spec.Template.Spec.Containers[0].Image;

    public static string DesiredOf(Application app, string cluster) => app.Status.Targets.Single(t => t.Cluster == cluster).DesiredRevision;

    public async ValueTask DisposeAsync()
    {
        foreach (var stop in _agentStops.Values)
        {
            await stop.CancelAsync();
        }
        await TestBedTeardown.WaitForAgentsAsync(_agentTasks);
        await TestBedTeardown.DisposeFleetAsync(Clusters.Values, _channel, Simulator, Hub, _dataDirectory);
        Git.Dispose();
    }
}
