using GitOpsFleet.Kube.Rest;
using k8s;

namespace GitOpsFleet.Kube.Sync;

/// <summary>The regular build's constructor from a KubernetesClient client (not in the lean build).</summary>
public sealed partial class ResourceManager
{
    /// <summary>Works through <paramref name="kubernetes"/>, which must be a <c>k8s.Kubernetes</c>.</summary>
    public ResourceManager(IKubernetes kubernetes, string agentNamespace, TimeProvider? timeProvider = null)
        : this(KubeConnection.FromKubernetes(kubernetes), agentNamespace, timeProvider)
    {
    }
}
