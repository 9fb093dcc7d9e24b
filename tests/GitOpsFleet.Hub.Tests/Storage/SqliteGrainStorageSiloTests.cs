using GitOpsFleet.Hub.Storage;
using GitOpsFleet.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Tests.Storage;

/// <summary>The SQLite store inside a real hub: it stops with the silo.</summary>
public sealed class SqliteGrainStorageSiloTests
{
    [Fact]
    public async Task HubDisposeAsync_AfterWrites_ClosesTheStore()
    {
        SqliteGrainStorage store;
        await using (var hub = await TestHub.StartAsync())
        {
            var decorated = hub.Host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
            store = Assert.IsType<SqliteGrainStorage>(Assert.IsType<DeactivateOnWriteFailureStorage>(decorated).Inner);
            await hub.RegisterClusterAsync("stored-before-stop");
        }

        // The silo's stop closed the store (it takes part in the silo lifecycle): a late write is refused, not lost
        // silently. A clear, because a write would first meet the serializer, disposed with the hub's services.
        var late = await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            store.ClearStateAsync("late", GrainId.Create("counter", "late"), new GrainState<CounterState>(new CounterState())));
        Assert.Contains("shut down", late.Message);
    }
}
