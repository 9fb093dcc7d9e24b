using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// Hub silo processes on one Redis, a Git repository with one ConfigMap application, simulated clusters with
/// in-process agents (given every silo's address, first silo first) and a FleetService client per silo.
/// </summary>
internal sealed class RedisFleetBed : IAsyncDisposable
{
    public const string App = "web";
    public const string Namespace = "web";

    private readonly List<Task> _agentTasks = [];
    private readonly CancellationTokenSource _agents = new();
    private readonly List<GrpcChannel> _channels = [];

    private RedisFleetBed(string redis) => Redis = redis;

    public string Redis { get; }
    public List<HubProcess> Silos { get; } = [];
    public Metadata Auth { get; private set; } = [];
    public string JoinToken { get; private set; } = "";
    public GitTestRepository Git { get; } = GitTestRepository.Create();
    public SimulatedClusterHost Simulator { get; private set; } = null!;
    public Dictionary<string, IKubernetes> Clusters { get; } = [];

    /// <summary>Starts <paramref name="silos"/> hub processes, then one simulated cluster and agent per entry of <paramref name="clusters"/> (name → wave label).</summary>
    public static async Task<RedisFleetBed> StartAsync(string redis, int silos, IReadOnlyDictionary<string, string> clusters, CancellationToken cancellationToken,
        int siloPort = 0, int grpcPort = 0)
    {
        var bed = new RedisFleetBed(redis);
        var tokenFile = Path.Combine(Path.GetTempPath(), "gitopsfleet-admin-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < silos; i++)
        {
            bed.Silos.Add(await HubProcess.StartAsync(redis, i == 0 ? tokenFile : null, cancellationToken,
                grpcPort: i == 0 ? grpcPort : 0, siloPort: i == 0 ? siloPort : 0));
        }
        bed.Auth = new Metadata { { "authorization", $"Bearer {(await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim()}" } };
        File.Delete(tokenFile);
        bed.JoinToken = (await bed.Fleet(0).CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true }, bed.Auth, cancellationToken: cancellationToken)).Token;
        bed.Simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, cancellationToken);
        foreach (var (name, wave) in clusters)
        {
            var cluster = await bed.Simulator.AddClusterAsync(name, cancellationToken);
            var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            bed.Clusters[name] = kubernetes;
            var runner = new AgentRunner(
                new AgentOptions
                {
                    HubUrl = string.Join(',', bed.Silos.Select(s => s.GrpcAddress.ToString())),
                    JoinToken = bed.JoinToken,
                    ClusterName = name,
                    Labels = { ["wave"] = wave },
                    ReconnectBase = TimeSpan.FromMilliseconds(200),
                    ReconnectCap = TimeSpan.FromSeconds(1),
                },
                kubernetes,
                NullLoggerFactory.Instance);
            bed._agentTasks.Add(Task.Run(() => runner.RunAsync(bed._agents.Token), CancellationToken.None));
        }
        return bed;
    }

    /// <summary>A FleetService client talking to silo <paramref name="silo"/>.</summary>
    public FleetService.FleetServiceClient Fleet(int silo)
    {
        var channel = GrpcChannel.ForAddress(Silos[silo].GrpcAddress);
        _channels.Add(channel);
        return new FleetService.FleetServiceClient(channel);
    }

    /// <summary>Adds the repository (polled every second) and the application on every cluster, optionally with waves.</summary>
    public async Task CreateApplicationAsync(FleetService.FleetServiceClient fleet, RolloutStrategy? strategy, CancellationToken cancellationToken)
    {
        await fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "web-repo", Url = Git.Path, PollIntervalSeconds = 1 } },
            Auth, cancellationToken: cancellationToken);
        var spec = new ApplicationSpec
        {
            Source = new ApplicationSource { Repo = "web-repo", Path = "app", Revision = "main" },
            Destination = new ApplicationDestination { Namespace = Namespace },
            SyncPolicy = new SyncPolicy { Automated = true, Prune = true, SelfHeal = true },
        };
        if (strategy is not null)
        {
            spec.Rollout = strategy;
        }
        await fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = new Application { Name = App, Spec = spec } }, Auth, cancellationToken: cancellationToken);
    }

    /// <summary>The ConfigMap's data.version on <paramref name="cluster"/>, or null while it is not there.</summary>
    public async Task<string?> LiveVersionAsync(string cluster, CancellationToken cancellationToken)
    {
        try
        {
            return (await Clusters[cluster].CoreV1.ReadNamespacedConfigMapAsync("web-config", Namespace, cancellationToken: cancellationToken)).Data["version"];
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every cluster Synced and Healthy at <paramref name="revision"/> as the hub sees it, and the live object says <paramref name="version"/>.</summary>
    public async Task WaitForAllAtAsync(FleetService.FleetServiceClient fleet, string revision, string version, CancellationToken cancellationToken)
    {
        await Eventually.TrueAsync(async () =>
        {
            var app = await fleet.GetApplicationAsync(new GetApplicationRequest { Name = App }, Auth, cancellationToken: cancellationToken);
            return app.Status.Targets.Count == Clusters.Count && app.Status.Targets.All(t => t.ObservedRevision == revision
                && t.ObservedGeneration == t.Generation && t.Sync == Protos.Agent.SyncStatus.Synced && t.Health == Protos.Agent.HealthStatus.Healthy);
        }, $"every cluster Synced and Healthy at {revision[..8]} (seen by the hub)", cancellationToken);
        foreach (var cluster in Clusters.Keys)
        {
            Assert.Equal(version, await LiveVersionAsync(cluster, cancellationToken));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _agents.CancelAsync();
        await Task.WhenAll(_agentTasks).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None);
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        foreach (var client in Clusters.Values)
        {
            client.Dispose();
        }
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
        Git.Dispose();
        _agents.Dispose();
    }
}
