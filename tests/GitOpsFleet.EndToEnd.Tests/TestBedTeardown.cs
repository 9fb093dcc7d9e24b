using GitOpsFleet.Hub;
using GitOpsFleet.KubeSim;
using Grpc.Net.Client;
using k8s;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>The shutdown every test bed shares: agents first, then clients, simulator, hub and data.</summary>
internal static class TestBedTeardown
{
    /// <summary>Waits for cancelled agents to end; a slow one must not hold the test.</summary>
    public static async Task WaitForAgentsAsync(IEnumerable<Task> agentTasks)
    {
        try
        {
            await Task.WhenAll(agentTasks).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Agents end on cancellation.
        }
    }

    public static async Task DisposeFleetAsync(
        IEnumerable<IKubernetes> clusters, GrpcChannel? channel, SimulatedClusterHost simulator, HubHost hub, string dataDirectory)
    {
        foreach (var client in clusters)
        {
            client.Dispose();
        }
        channel?.Dispose();
        await simulator.DisposeAsync();
        await hub.DisposeAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold its file for a moment; temp is cleaned by the OS.
        }
    }
}
