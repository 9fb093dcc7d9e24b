namespace GitOpsFleet.Agent;

/// <summary>--simulate in the lean (Native AOT) build: refused, since that build leaves KubeSim (ASP.NET Core) out.</summary>
internal static partial class AgentProgram
{
    private static partial Task<(IAsyncDisposable Simulator, string KubeconfigPath)> StartSimulatorAsync(string clusterName, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            "--simulate is not in this lean (Native AOT) build of gitopsfleet-agent; use --kubeconfig PATH, " +
            "or the regular build (dotnet run --project agent/GitOpsFleet.Agent -- --simulate ...)");
}
