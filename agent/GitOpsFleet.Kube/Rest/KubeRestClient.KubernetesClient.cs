using k8s;

namespace GitOpsFleet.Kube.Rest;

/// <summary>The regular build's constructor from a KubernetesClient client (not in the lean build).</summary>
public sealed partial class KubeRestClient
{
    /// <summary>Talks through <paramref name="kubernetes"/>'s HttpClient and credentials; it must be a <c>k8s.Kubernetes</c>.</summary>
    public KubeRestClient(IKubernetes kubernetes)
        : this(KubeConnection.FromKubernetes(kubernetes))
    {
    }
}
