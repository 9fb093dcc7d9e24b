using GitOpsFleet.KubeSim;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Agent.Tests;

/// <summary>One simulated API server for a test class; each test gets its own cluster, fake hub and agent.</summary>
public sealed class SimulatedClusterFixture : IAsyncLifetime
{
    public SimulatedClusterHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
        => Host = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0, ControllerDelay = TimeSpan.FromMilliseconds(200) }, CancellationToken.None);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>A fake hub, a simulated cluster and an agent running against both.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private CancellationTokenSource? _agentStop;
    private Task? _agentRun;

    private AgentHarness(FakeHub hub, Kubernetes client, string clusterName)
    {
        Hub = hub;
        Client = client;
        ClusterName = clusterName;
    }

    public FakeHub Hub { get; }

    public Kubernetes Client { get; }

    public string ClusterName { get; }

    /// <summary>A new simulated cluster and fake hub; <paramref name="handlers"/> see every request to the cluster (the agent's and the test's).</summary>
    public static async Task<AgentHarness> StartAsync(SimulatedClusterFixture sim, params DelegatingHandler[] handlers)
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..10];
        var cluster = await sim.Host.AddClusterAsync(name, CancellationToken.None);
        var path = cluster.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "gitopsfleet-agent-tests", name + ".kubeconfig"));
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), handlers);
        File.Delete(path); // read once; nothing is left behind
        return new AgentHarness(await FakeHub.StartAsync(), client, name);
    }

    public AgentOptions Options(string? joinToken = FakeHub.JoinToken) => new()
    {
        HubUrl = Hub.Url,
        JoinToken = joinToken,
        ClusterName = ClusterName,
        Labels = new Dictionary<string, string> { ["env"] = "test" },
        ReconnectBase = TimeSpan.FromMilliseconds(100),
        ReconnectCap = TimeSpan.FromMilliseconds(500),
        HealthPollInterval = TimeSpan.FromMilliseconds(200),
    };

    public void StartAgent(AgentOptions? options = null)
    {
        _agentStop = new CancellationTokenSource();
        var loggers = Environment.GetEnvironmentVariable("GITOPSFLEET_TEST_LOG") is null
            ? NullLoggerFactory.Instance
            : LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug));
        var runner = new AgentRunner(options ?? Options(), Client, loggers);
        _agentRun = runner.RunAsync(_agentStop.Token);
    }

    public async Task StopAgentAsync()
    {
        if (_agentStop is null || _agentRun is null)
        {
            return;
        }
        await _agentStop.CancelAsync();
        await _agentRun.WaitAsync(TimeSpan.FromSeconds(10));
        _agentStop.Dispose();
        _agentStop = null;
        _agentRun = null;
    }

    public static HubMessage Desired(string app, long generation, SyncOptions? options, params string[] manifests)
    {
        var bundle = new Bundle();
        bundle.Manifests.AddRange(manifests.Select(m => new Manifest { Json = m }));
        return new HubMessage
        {
            Desired = new Desired
            {
                App = app,
                Generation = generation,
                Revision = "rev-" + generation,
                BundleHash = BundleCodec.Hash(bundle),
                CompressedBundle = BundleCodec.Compress(bundle),
                Options = options ?? new SyncOptions { Automated = true, Prune = true },
                DefaultNamespace = "shop",
            },
        };
    }

    public static string ConfigMap(string name, string value) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"key\":\"" + value + "\"}}";

    public static string Deployment(string name, string image = "nginx:1.27") =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"" + name
        + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"" + image + "\"}]}}}}";

    public static string Service(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"selector\":{\"app\":\"" + name + "\"},\"ports\":[{\"port\":80}]}}";

    public async ValueTask DisposeAsync()
    {
        await StopAgentAsync();
        await Hub.DisposeAsync();
        Client.Dispose();
    }
}
