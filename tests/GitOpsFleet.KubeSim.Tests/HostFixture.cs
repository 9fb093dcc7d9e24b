namespace GitOpsFleet.KubeSim.Tests;

/// <summary>One simulated-cluster host for the whole test run; every test adds its own cluster with a unique name.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public SimulatedClusterHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await SimulatedClusterHost.StartAsync(
            new SimulatedClusterHostOptions { ControllerDelay = TimeSpan.FromMilliseconds(200), BookmarkInterval = TimeSpan.FromMilliseconds(300) },
            CancellationToken.None);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A new cluster with a name no other test uses.</summary>
    public Task<SimulatedCluster> NewClusterAsync(string prefix) =>
        Host.AddClusterAsync($"{prefix}-{Guid.NewGuid().ToString("N")[..12]}", CancellationToken.None);
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "simulated clusters";
}
