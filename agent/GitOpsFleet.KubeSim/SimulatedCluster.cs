using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Controllers;
using GitOpsFleet.KubeSim.Model;
using GitOpsFleet.KubeSim.Store;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim;

/// <summary>One simulated Kubernetes cluster served by a <see cref="SimulatedClusterHost"/> under its own path prefix.</summary>
public sealed class SimulatedCluster
{
    internal SimulatedCluster(string name, Uri server, SimulatedClusterHostOptions options, ILogger logger)
    {
        Name = name;
        Server = server;
        var controllers = new ClusterControllers(options.ControllerDelay, name, logger);
        Resources = new ResourceService(new ClusterStore(options.WatchHistorySize), new ResourceRegistry(), controllers);
        controllers.Attach(Resources);
        Router = new ApiRouter(Resources, options.BookmarkInterval, name, logger);
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Resources.Create(ResourceService.NamespaceType, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Controller);
        }
    }

    /// <summary>The cluster's name, also the name of its kubeconfig cluster, user and context.</summary>
    public string Name { get; }

    /// <summary>The API server URL for this cluster, including its path prefix.</summary>
    public Uri Server { get; }

    internal ResourceService Resources { get; }

    internal ApiRouter Router { get; }

    /// <summary>Writes a kubeconfig whose cluster, user and context are named after this cluster (current-context set) and returns the path.</summary>
    public string WriteKubeconfig(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(full, Kubeconfig.Render(Name, Server));
        return full;
    }

    internal void Stop()
    {
        Resources.Controllers.Stop();
        lock (Resources.Store.Sync)
        {
            Resources.Store.CloseWatchers();
        }
    }
}
