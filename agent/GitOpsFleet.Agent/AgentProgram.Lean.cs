using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Agent;

/// <summary>
/// The lean (Native AOT) build: --simulate is refused, since that build leaves KubeSim (ASP.NET Core) out;
/// the connection comes from GitOpsFleet.Kube's KubeConnectionLoader, since it references no KubernetesClient.
/// </summary>
internal static partial class AgentProgram
{
    private static partial KubeConnection Connect(string? kubeconfigPath)
        => kubeconfigPath is null ? KubeConnectionLoader.InCluster() : KubeConnectionLoader.FromKubeconfig(kubeconfigPath);

    private static partial Task<(IAsyncDisposable Simulator, string KubeconfigPath)> StartSimulatorAsync(string clusterName, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            "--simulate is not in this lean (Native AOT) build of gitopsfleet-agent; use --kubeconfig PATH, " +
            "or the regular build (dotnet run --project agent/GitOpsFleet.Agent -- --simulate ...)");
}
