using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Tls;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Demo;

/// <summary>Starts a small simulated fleet beside the hub so people can look at GitOpsFleet without any cluster.</summary>
public static class DemoFleet
{
    private static readonly (string Name, string Env, string Wave)[] Clusters =
    [
        ("dev", "dev", "1"),
        ("staging", "staging", "2"),
        ("prod", "prod", "3"),
    ];

    /// <summary>Starts 3 simulated clusters with in-process agents, a local Git repository and an application on it.</summary>
    public static async Task<IAsyncDisposable> StartAsync(HubHost hub, HubOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var demoDirectory = Path.GetFullPath(Path.Combine(options.DataDirectory, "demo"));
        Directory.CreateDirectory(demoDirectory);
        var adminToken = ReadAdminToken(hub, demoDirectory);

        // A TLS hub: the demo's client and agents trust the hub's own certificate file (pinned; the hub has no CA file).
        var trustFile = options.TlsEnabled ? Path.GetFullPath(options.TlsCertificatePath!) : null;
        var trust = trustFile is null ? null : PemCertificates.LoadFile(trustFile, $"--tls-cert '{trustFile}'");
        var channel = GrpcChannel.ForAddress(hub.GrpcAddress, new GrpcChannelOptions { HttpHandler = ServerTrust.Configure(new SocketsHttpHandler(), trust) });
        var fleet = new FleetService.FleetServiceClient(channel);
        var auth = new Metadata { { "authorization", $"Bearer {adminToken}" } };

        var repositoryPath = DemoRepository.Ensure(Path.Combine(demoDirectory, "repo"), DemoRepository.ExamplesDirectory());
        var simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, cancellationToken);
        var loggerFactory = hub.Services.GetRequiredService<ILoggerFactory>();
        var agents = new CancellationTokenSource();
        var agentTasks = new List<Task>();

        // The simulated clusters live in memory, so a restarted demo registers them afresh.
        var joinToken = await fleet.CreateJoinTokenAsync(
            new CreateJoinTokenRequest { Reusable = true, TtlSeconds = 3600 }, auth, cancellationToken: cancellationToken);
        var kubeconfigs = new List<(string Name, string Path)>();
        foreach (var (name, env, wave) in Clusters)
        {
            await RemoveClusterIfPresentAsync(fleet, auth, name, cancellationToken);
            var cluster = await simulator.AddClusterAsync(name, cancellationToken);
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(demoDirectory, $"{name}.kubeconfig"));
            kubeconfigs.Add((name, kubeconfig));
            var agentOptions = new AgentOptions
            {
                HubUrl = hub.GrpcAddress.ToString(),
                JoinToken = joinToken.Token,
                ClusterName = name,
                CaFile = trustFile,
                Labels = new Dictionary<string, string> { ["env"] = env, ["wave"] = wave },
            };
            var kubernetes = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var runner = new AgentRunner(agentOptions, kubernetes, loggerFactory);
            agentTasks.Add(Task.Run(() => runner.RunAsync(agents.Token), CancellationToken.None));
        }

        await fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Upsert = true,
            Repository = new Repository { Name = "demo", Url = repositoryPath, PollIntervalSeconds = 5 },
        }, auth, cancellationToken: cancellationToken);
        await fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Upsert = true,
            Application = new Application
            {
                Name = "guestbook",
                Spec = new ApplicationSpec
                {
                    Project = "default",
                    Source = new ApplicationSource { Repo = "demo", Path = "", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "guestbook" },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true, SelfHeal = true },
                },
            },
        }, auth, cancellationToken: cancellationToken);

        DemoBanner.Write(output, hub, demoDirectory, repositoryPath, kubeconfigs, trustFile);
        return new DemoHandle(simulator, channel, agents, agentTasks);
    }

    private static string ReadAdminToken(HubHost hub, string demoDirectory)
    {
        // The hub writes a freshly created admin token to HubOptions.AdminTokenFile (DATA_DIR/demo/admin-token).
        var tokenFile = Path.Combine(demoDirectory, "admin-token");
        if (hub.InitialAdminToken is { } created)
        {
            return created;
        }
        if (File.Exists(tokenFile))
        {
            return File.ReadAllText(tokenFile).Trim();
        }
        throw new InvalidOperationException(
            $"The hub's data directory already has an admin token but {tokenFile} is missing. " +
            "Start the demo with a fresh --data-dir, or delete the data directory to begin again.");
    }

    private static async Task RemoveClusterIfPresentAsync(FleetService.FleetServiceClient fleet, Metadata auth, string name, CancellationToken cancellationToken)
    {
        try
        {
            await fleet.RemoveClusterAsync(new RemoveClusterRequest { Name = name }, auth, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // First start: nothing to remove.
        }
    }

    private sealed class DemoHandle(SimulatedClusterHost simulator, GrpcChannel channel, CancellationTokenSource agents, List<Task> agentTasks) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await agents.CancelAsync();
            try
            {
                await Task.WhenAll(agentTasks).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                // Agents stop on cancellation; a slow one must not hold the hub's shutdown.
            }
            await simulator.DisposeAsync();
            channel.Dispose();
            agents.Dispose();
        }
    }
}
