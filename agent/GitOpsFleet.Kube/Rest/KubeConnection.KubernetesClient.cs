using k8s;

namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// The regular build's bridge from KubernetesClient (kubeconfig with exec and auth-provider plugins,
/// what tests and the bench construct). Not compiled in the lean (Native AOT) build, which references
/// no KubernetesClient package (GitOpsFleet.Kube.csproj removes *.KubernetesClient.cs there).
/// </summary>
public sealed partial class KubeConnection
{
    /// <summary>
    /// Uses the client's own HttpClient, base address and credentials. The client stays the caller's
    /// unless <paramref name="disposeClient"/>, in which case disposing the connection disposes it.
    /// </summary>
    public static KubeConnection FromKubernetes(IKubernetes kubernetes, bool disposeClient = false)
    {
        var client = kubernetes as Kubernetes
            ?? throw new ArgumentException("GitOpsFleet.Kube needs a k8s.Kubernetes client (new Kubernetes(config)); got " + kubernetes.GetType().Name, nameof(kubernetes));
        Func<HttpRequestMessage, CancellationToken, Task>? authenticate = client.Credentials is { } credentials
            ? credentials.ProcessHttpRequestAsync
            : null;
        return new KubeConnection(client.BaseUri, client.HttpClient, authenticate, disposeClient ? client : null);
    }
}
