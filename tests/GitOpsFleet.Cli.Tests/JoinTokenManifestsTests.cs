using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class JoinTokenManifestsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task JoinTokenCreate_Manifests_PrintsOnlyTheYaml()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--manifests");

        Assert.Equal(0, result.ExitCode);
        Assert.IsType<CreateJoinTokenRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gitopsfleet-system\n", result.Stdout);
    }

    [Fact]
    public async Task JoinTokenCreate_OutputYaml_CarriesTheManifests()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "-o", "yaml");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("agentManifests", result.Stdout);
        Assert.Contains("gitopsfleet-system", result.Stdout);
    }

    [Fact]
    public async Task JoinTokenCreate_ClusterName_SentToTheHub()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--cluster-name", "edge-1", "--manifests");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("edge-1", Assert.IsType<CreateJoinTokenRequest>(Assert.Single(_hub.Service.Requests)).ClusterName);
    }

    [Fact]
    public async Task JoinTokenCreate_InvalidClusterName_RefusedBeforeCallingTheHub()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--cluster-name", "Edge_1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--cluster-name 'Edge_1' is not a valid name", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }
}
