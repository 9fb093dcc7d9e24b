using GitOpsFleet.Kube.Sync;
using GitOpsFleet.KubeSim;
using k8s;

namespace GitOpsFleet.Kube.Tests.Integration;

/// <summary>One simulated API server for the whole test class; every test gets its own cluster.</summary>
public sealed class SimulatedClusterFixture : IAsyncLifetime
{
    private SimulatedClusterHost? _host;
    private readonly List<IDisposable> _clients = [];

    public async Task InitializeAsync()
        => _host = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0, ControllerDelay = TimeSpan.FromMilliseconds(200) }, CancellationToken.None);

    /// <summary>A fresh cluster and an engine bound to it; <paramref name="handlers"/> see every request the engine sends.</summary>
    public async Task<(IKubernetes Client, ResourceManager Manager)> NewClusterAsync(params DelegatingHandler[] handlers)
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..10];
        var cluster = await _host!.AddClusterAsync(name, CancellationToken.None);
        var path = cluster.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "gitopsfleet-kube-tests", name + ".kubeconfig"));
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), handlers);
        File.Delete(path); // read once; nothing is left behind
        lock (_clients)
        {
            _clients.Add(client);
        }
        var manager = new ResourceManager(client, "gitopsfleet-system");
        await manager.EnsureNamespaceAsync("gitopsfleet-system", CancellationToken.None);
        return (client, manager);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
