using k8s;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>A KubernetesClient built from the kubeconfig a simulated cluster writes, as real users build one.</summary>
public static class ClusterClient
{
    public static Kubernetes For(SimulatedCluster cluster)
    {
        var path = cluster.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"kubesim-{cluster.Name}.kubeconfig"));
        try
        {
            return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
