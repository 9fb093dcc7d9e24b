using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Tests.Support;

namespace GitOpsFleet.Hub.Tests.Grains;

/// <summary>Issue 9: appends that arrive together share writes, and ids stay strictly increasing in append order.</summary>
public sealed class EventLogGrainTests
{
    [Fact]
    public async Task AppendAsync_300AtOnce_IdsIncreaseInOrderAndEveryEventIsStored()
    {
        var data = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        try
        {
            IReadOnlyList<EventRecord> appended;
            await using (var hub = await TestHub.StartAsync(data))
            {
                var log = hub.Host.Grains.GetGrain<IEventLogGrain>("concurrent-test");
                appended = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.AppendAsync("Test", $"test/{i % 3}", $"event {i}", "test")));
                var listed = await log.ListAsync(0, "");
                var afterFirst = await log.ListAfterAsync(appended.Where(e => e.Object == "test/0").Min(e => e.Id), "test/0");

                Assert.Equal(appended.OrderBy(e => e.Id).Select(e => e.Message), listed.Select(e => e.Message));
                Assert.All(afterFirst, e => Assert.Equal("test/0", e.Object));
                Assert.Equal(99, afterFirst.Count);
            }

            await using var restarted = await TestHub.StartAsync(data);
            var restartedLog = restarted.Host.Grains.GetGrain<IEventLogGrain>("concurrent-test");
            var stored = await restartedLog.ListAsync(0, "");
            var next = await restartedLog.AppendAsync("Test", "test/next", "after restart", "test");

            Assert.Equal(300, appended.Select(e => e.Id).Distinct().Count());
            Assert.Equal(stored.Select(e => e.Id).Order(), stored.Select(e => e.Id));
            Assert.Equal(appended.Select(e => e.Id).Order(), stored.Select(e => e.Id));
            Assert.Equal(appended.Select(e => e.Message).Order(), stored.Select(e => e.Message).Order());
            Assert.True(next.Id > stored[^1].Id, $"id {next.Id} after the restart is not above the last stored id {stored[^1].Id}");
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Left to the temp dir cleaner.
            }
        }
    }
}
