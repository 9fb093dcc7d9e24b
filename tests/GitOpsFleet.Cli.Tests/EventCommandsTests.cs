using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class EventCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        var at = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _hub.Service.Events.Add(new Event { Id = 1, UnixMs = at, Type = "ClusterConnected", Object = "cluster/dev", Message = "cluster dev connected" });
        _hub.Service.Events.Add(new Event { Id = 2, UnixMs = at + 1000, Type = "ApplicationSynced", Object = "application/guestbook", Message = "application guestbook is Synced" });
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Events_List_PrintsTableFilteredByObject()
    {
        var result = await _hub.RunAsync("events", "--object", "application/guestbook");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("2026-11-26 10:00:01Z   ApplicationSynced   application/guestbook   application guestbook is Synced", lines[1]);
    }
}
