using GitOpsFleet.Kube.Rest;
using k8s;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent;

/// <summary>The regular build's constructor from a KubernetesClient client (not in the lean build).</summary>
public sealed partial class AgentRunner
{
    /// <summary>An agent that talks to its cluster through <paramref name="kubernetes"/>, which must be a <c>k8s.Kubernetes</c> (the caller keeps and disposes it).</summary>
    public AgentRunner(AgentOptions options, IKubernetes kubernetes, ILoggerFactory loggerFactory)
        : this(options, KubeConnection.FromKubernetes(kubernetes), loggerFactory)
    {
    }
}
