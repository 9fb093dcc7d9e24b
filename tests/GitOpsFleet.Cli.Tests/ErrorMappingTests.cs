using Grpc.Core;
using GitOpsFleet.Cli.Tests.Support;

namespace GitOpsFleet.Cli.Tests;

public sealed class ErrorMappingTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task AppGet_NotFound_PrintsStatusDetailWithoutStackTrace()
    {
        var result = await _hub.RunAsync("app", "get", "ghost");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: application ghost not found", result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task ClusterList_Unauthenticated_SaysHowToGiveAToken()
    {
        _hub.Service.FailWith = new Status(StatusCode.Unauthenticated, "missing or invalid API token");

        var result = await _hub.RunAsync("cluster", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: missing or invalid API token (give a token with --token, FLEET_TOKEN or 'fleet login')", result.Stderr.Trim());
    }

    [Fact]
    public async Task ClusterList_HubDown_NamesTheAddressTried()
    {
        var result = await _hub.RunWithAsync(new Dictionary<string, string> { ["FLEET_HUB"] = "127.0.0.1:1" }, "cluster", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: cannot reach the hub at http://127.0.0.1:1:", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Describe_UnavailableFromTheHub_PrintsItsDetailAlone()
    {
        // The hub answers Unavailable when its storage failed: it was reached, so no "cannot reach" advice.
        const string detail = "/gitopsfleet.fleet.v1.FleetService/AddRepository failed because the hub's storage failed (...); the call can be retried";

        var message = GitOpsFleet.Cli.Commands.CliApp.Describe(new RpcException(new Status(StatusCode.Unavailable, detail)), "http://hub:8081");

        Assert.Equal(detail, message);
    }

    [Fact]
    public async Task UnknownOutputFormat_IsAUsageError()
    {
        var result = await _hub.RunAsync("cluster", "list", "-o", "xml");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("xml", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }
}
