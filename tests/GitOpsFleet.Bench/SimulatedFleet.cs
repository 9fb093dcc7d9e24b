using GitOpsFleet.Agent;
using GitOpsFleet.KubeSim;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Bench;

/// <summary>
/// Many clusters folded into this process: one SimulatedClusterHost (one Kestrel, a path prefix per
/// cluster) and one real AgentRunner per cluster, each with its own KubernetesClient and its own
/// gRPC channel to the hub, exactly as a one-agent process would have.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly CancellationTokenSource _agents = new();
    private readonly List<Task> _agentTasks = [];
    private readonly List<IKubernetes> _clients = [];

    private SimulatedFleet(SimulatedClusterHost simulator) => Simulator = simulator;

    public SimulatedClusterHost Simulator { get; }

    public int Count => _clients.Count;

    /// <summary>The index (in names and labels) of this fleet's first cluster: a worker process's share of a larger fleet starts past 0.</summary>
    public int FirstIndex { get; set; }

    /// <summary>One KubernetesClient per cluster, in the order they were added.</summary>
    public IReadOnlyList<IKubernetes> Clients => _clients;

    /// <summary>
    /// Per cluster, when the simulated controllers finished rolling out every Deployment in
    /// <paramref name="ns"/>: the latest lastUpdateTime of a Progressing condition with reason
    /// NewReplicaSetAvailable (the API's own second resolution). Missing when a rollout is not done.
    /// </summary>
    public async Task<List<long>> RolloutDoneUnixMsAsync(string ns, CancellationToken cancellationToken)
    {
        var done = new List<long>();
        foreach (var client in _clients)
        {
            var deployments = await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: cancellationToken);
            var times = deployments.Items.Select(d => d.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable")?.LastUpdateTime).ToList();
            if (times.Count > 0 && times.All(t => t is not null))
            {
                done.Add(new DateTimeOffset(DateTime.SpecifyKind(times.Max()!.Value, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            }
        }
        return done;
    }

    public static async Task<SimulatedFleet> StartAsync(TimeSpan controllerDelay, CancellationToken cancellationToken) =>
        new(await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0, ControllerDelay = controllerDelay }, cancellationToken));

    /// <summary>Adds <paramref name="count"/> clusters named PREFIX-00000... and starts one agent for each.</summary>
    public Task AddAgentsAsync(Uri hubGrpc, string joinToken, string prefix, int count, CancellationToken cancellationToken) =>
        AddAgentsAsync(hubGrpc, joinToken, prefix, count, null, null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="labels"/> gives the labels an agent asks for at registration, by the cluster's
    /// index in the fleet (from <see cref="FirstIndex"/>); <paramref name="loggerFactory"/> sees the agents' logs (default: none).
    /// </summary>
    public async Task AddAgentsAsync(Uri hubGrpc, string joinToken, string prefix, int count,
        Func<int, IDictionary<string, string>>? labels, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var index = FirstIndex + _clients.Count;
            var name = $"{prefix}-{index:D5}";
            var cluster = await Simulator.AddClusterAsync(name, cancellationToken);
            var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.ToString() });
            _clients.Add(kubernetes);
            var options = new AgentOptions { HubUrl = hubGrpc.ToString(), JoinToken = joinToken, ClusterName = name };
            if (labels is not null)
            {
                options.Labels = labels(index);
            }
            var runner = new AgentRunner(options, kubernetes, loggerFactory ?? NullLoggerFactory.Instance);
            _agentTasks.Add(Task.Run(() => runner.RunAsync(_agents.Token), CancellationToken.None));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _agents.CancelAsync();
        try
        {
            await Task.WhenAll(_agentTasks).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Agents end on cancellation.
        }
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await Simulator.DisposeAsync();
        _agents.Dispose();
    }
}
