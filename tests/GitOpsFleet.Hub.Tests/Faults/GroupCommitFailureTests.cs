using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Storage;
using GitOpsFleet.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;

namespace GitOpsFleet.Hub.Tests.Faults;

/// <summary>
/// Issue 9: a failed write that several calls shared (group commit in the name index and the event log). Every call
/// whose change it carried fails; a call that returned is stored, one that failed is not there once the grain re-read
/// the store.
/// </summary>
public sealed class GroupCommitFailureTests
{
    private static Task<TestHub> StartAsync(Action<FaultyGrainStorage> store) => TestHub.StartAsync(configureServices: services =>
        services.DecorateGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, registered) =>
        {
            var wrapper = Assert.IsType<DeactivateOnWriteFailureStorage>(registered);
            var faulty = new FaultyGrainStorage(wrapper.Inner);
            store(faulty);
            return new DeactivateOnWriteFailureStorage(faulty, sp.GetRequiredService<IGrainContextAccessor>(),
                sp.GetRequiredService<ILogger<DeactivateOnWriteFailureStorage>>());
        }));

    private static async Task<bool> SucceededAsync(Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception ex) when (ex is OrleansException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task NameIndexSetAsync_SharedWriteFails_FailedCallsNotStoredAndReturnedOnesAre()
    {
        FaultyGrainStorage? store = null;
        await using var hub = await StartAsync(s => store = s);
        var index = hub.Host.Grains.Index("failure-test");
        await index.SetAsync("kept", new Dictionary<string, string> { ["env"] = "dev" });

        store!.FailNextWrites("index");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => SucceededAsync(index.SetAsync($"c-{i:D2}", new Dictionary<string, string> { ["env"] = "prod" }))));
        // The same names again, now that the store works: the grain took the failure and serves again.
        await Task.WhenAll(Enumerable.Range(40, 5).Select(i => index.SetAsync($"c-{i:D2}", new Dictionary<string, string> { ["env"] = "prod" })));
        var listed = await index.ListAsync();

        Assert.Equal(1, store.Failed);
        Assert.Contains(false, outcomes);
        Assert.True(listed.ContainsKey("kept"));
        for (var i = 0; i < outcomes.Length; i++)
        {
            Assert.Equal(outcomes[i], listed.ContainsKey($"c-{i:D2}"));
        }
        Assert.All(Enumerable.Range(40, 5), i => Assert.True(listed.ContainsKey($"c-{i:D2}")));
    }

    [Fact]
    public async Task EventLogAppendAsync_SharedWriteFails_FailedEventsNotListed()
    {
        FaultyGrainStorage? store = null;
        await using var hub = await StartAsync(s => store = s);
        var log = hub.Host.Grains.GetGrain<IEventLogGrain>("failure-test");
        var first = await log.AppendAsync("Test", "test/x", "first", "test");

        store!.FailNextWrites("events");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => SucceededAsync(log.AppendAsync("Test", "test/x", $"event {i}", "test"))));
        var after = await log.AppendAsync("Test", "test/x", "after", "test");
        var listed = await log.ListAsync(0, "");

        Assert.Equal(1, store.Failed);
        Assert.Contains(false, outcomes);
        var expected = new[] { "first" }.Concat(Enumerable.Range(0, 40).Where(i => outcomes[i]).Select(i => $"event {i}")).Append("after");
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Equal(listed.Select(e => e.Id).Order(), listed.Select(e => e.Id));
        Assert.True(after.Id > first.Id);
    }
}
