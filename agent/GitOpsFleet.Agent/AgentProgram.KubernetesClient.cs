using GitOpsFleet.Kube.Rest;
using k8s;
using k8s.Exceptions;

namespace GitOpsFleet.Agent;

/// <summary>
/// The regular build's connection: KubernetesClient reads the kubeconfig (exec and auth-provider plugins
/// included) or the in-cluster config. The lean build has AgentProgram.Lean.cs instead.
/// </summary>
internal static partial class AgentProgram
{
    private static partial KubeConnection Connect(string? kubeconfigPath)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = kubeconfigPath is null
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        }
        catch (KubeConfigException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
        return KubeConnection.FromKubernetes(new Kubernetes(config), disposeClient: true);
    }
}
