using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Cli.Tests;

/// <summary><c>fleet events --watch</c> follows the gRPC stream and reconnects when it is lost, without gaps or repeats.</summary>
public sealed class EventWatchTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Watch_StreamLost_ReconnectsFillsGapNoRepeats()
    {
        // Event 3 happened while the stream was down: the reconnect lists it; the new stream repeats it and adds 4.
        _hub.Service.Events.AddRange([Ev(1), Ev(2), Ev(3)]);
        _hub.Service.WatchScript.Enqueue(([Ev(1), Ev(2)], new Status(StatusCode.Unavailable, "hub restarting")));
        _hub.Service.WatchScript.Enqueue(([Ev(3), Ev(4)], null));

        var (code, stdout, stderr) = await WatchUntilAsync(output => output.Contains("object-4"), "events", "--watch");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(["object-1", "object-2", "object-3", "object-4"], Objects(stdout));
        Assert.Contains("reconnect", stderr);
        Assert.Equal(2, _hub.Service.Requests.OfType<WatchEventsRequest>().Count());
    }

    [Fact]
    public async Task Watch_PermissionDenied_StopsWithoutRetrying()
    {
        _hub.Service.WatchScript.Enqueue(([Ev(1)], new Status(StatusCode.PermissionDenied, "token revoked")));

        var result = await _hub.RunAsync("events", "--watch");

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Equal(["object-1"], Objects(result.Stdout));
        Assert.Single(_hub.Service.Requests.OfType<WatchEventsRequest>());
    }

    [Fact]
    public async Task Watch_Json_OneObjectPerLineUntilInterrupted()
    {
        _hub.Service.Events.AddRange([Ev(1), Ev(2)]);

        var (code, stdout, _) = await WatchUntilAsync(output => output.Contains("object-2"), "events", "--watch", "-o", "json");

        Assert.Equal(ExitCodes.Success, code);
        Assert.All(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("{", line));
        Assert.Equal(["object-1", "object-2"], Objects(stdout));
    }

    private static Event Ev(int id) => new() { Id = id, UnixMs = 1_700_000_000_000 + id, Type = "Test", Object = $"object-{id}", Message = $"event {id}" };

    private static List<string> Objects(string stdout) =>
        [.. System.Text.RegularExpressions.Regex.Matches(stdout, "object-[0-9]+").Select(m => m.Value)];

    /// <summary>Runs a watch until its output satisfies <paramref name="done"/> (polled, 30 s deadline), then interrupts it like Ctrl+C.</summary>
    private async Task<(int Code, string Stdout, string Stderr)> WatchUntilAsync(Func<string, bool> done, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var syncOut = TextWriter.Synchronized(stdout);
        using var syncErr = TextWriter.Synchronized(stderr);
        using var interrupt = new CancellationTokenSource();
        var environment = new CliEnvironment(_ => null, _hub.ConfigPath, TimeSpan.FromMilliseconds(20));
        var run = FleetCli.RunAsync([.. args, "--hub", _hub.Address], syncOut, syncErr, environment, interrupt.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!run.IsCompleted && !done(Read(syncOut, stdout)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await interrupt.CancelAsync();
        var code = await run;
        return (code, Read(syncOut, stdout), Read(syncErr, stderr));
    }

    /// <summary>The synchronized writer locks itself while writing; read under the same lock.</summary>
    private static string Read(TextWriter synchronized, StringWriter inner)
    {
        lock (synchronized)
        {
            return inner.ToString().ReplaceLineEndings("\n");
        }
    }
}
