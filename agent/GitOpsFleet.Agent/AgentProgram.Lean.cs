using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Agent;

/// <summary>
/// The lean (Native AOT) build: --simulate is refused, since that build leaves KubeSim (ASP.NET Core) out;
/// the connection comes from GitOpsFleet.Kube's KubeConnectionLoader, since it references no KubernetesClient.
/// </summary>
internal static partial class AgentProgram
{
    private static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(10);
    private const long TrimAfterAllocatedBytes = 4L << 20;

    // An idle agent allocates almost nothing, so no GC runs to return what a sync or drift check left
    // behind; a full compacting GC once 4 MB were allocated since the last one hands it back (measured in
    // docs/benchmarks.md, agent section: at 16 MB a 60 s drift check stayed under the bar and left
    // ~13 MB behind). At most one every 10 s, only after work; a full GC of the few MB left costs ms.
    static partial void StartMemoryTrim(ref Timer? timer)
    {
        var trimmedAt = GC.GetTotalAllocatedBytes();
        timer = new Timer(_ =>
        {
            if (GC.GetTotalAllocatedBytes() - Volatile.Read(ref trimmedAt) < TrimAfterAllocatedBytes)
            {
                return;
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Volatile.Write(ref trimmedAt, GC.GetTotalAllocatedBytes());
        }, null, TrimPeriod, TrimPeriod);
    }

    private static partial KubeConnection Connect(string? kubeconfigPath)
        => kubeconfigPath is null ? KubeConnectionLoader.InCluster() : KubeConnectionLoader.FromKubeconfig(kubeconfigPath);

    private static partial Task<(IAsyncDisposable Simulator, string KubeconfigPath)> StartSimulatorAsync(string clusterName, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            "--simulate is not in this lean (Native AOT) build of gitopsfleet-agent; use --kubeconfig PATH, " +
            "or the regular build (dotnet run --project agent/GitOpsFleet.Agent -- --simulate ...)");
}
