using GitOpsFleet.KubeSim;

namespace GitOpsFleet.Agent;

/// <summary>--simulate in the regular build: KubeSim (ASP.NET Core) in this process.</summary>
internal static partial class AgentProgram
{
    private static async partial Task<(IAsyncDisposable Simulator, string KubeconfigPath)> StartSimulatorAsync(string clusterName, CancellationToken cancellationToken)
    {
        var simulator = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions(), cancellationToken);
        try
        {
            var cluster = await simulator.AddClusterAsync(clusterName, cancellationToken);
            var path = cluster.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "gitopsfleet-agent", clusterName + ".kubeconfig"));
            Console.WriteLine($"Simulated cluster '{clusterName}' is up; kubectl --kubeconfig {path} get all -A");
            return (simulator, path);
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }
}
