using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class ClusterApprovalCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task JoinTokenCreate_RequireApproval_SendsTheFlag()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--require-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.True(Assert.IsType<CreateJoinTokenRequest>(Assert.Single(_hub.Service.Requests)).RequireApproval);
    }

    [Fact]
    public async Task ClusterApprove_Name_SendsApproveAndConfirms()
    {
        var result = await _hub.RunAsync("cluster", "approve", "edge-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("edge-1", Assert.IsType<ApproveClusterRequest>(Assert.Single(_hub.Service.Requests)).Name);
        Assert.Equal("cluster edge-1 approved", result.Stdout.Trim());
    }

    [Fact]
    public async Task ClusterList_PendingCluster_ShownAsPending()
    {
        _hub.Service.Clusters.Add(new Cluster { Name = "edge-1", PendingApproval = true });
        _hub.Service.Clusters.Add(new Cluster { Name = "core", Connected = true });

        var result = await _hub.RunAsync("cluster", "list");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.Contains("pending approval", Assert.Single(lines, l => l.StartsWith("edge-1", StringComparison.Ordinal)));
        Assert.DoesNotContain("pending", Assert.Single(lines, l => l.StartsWith("core", StringComparison.Ordinal)));
    }
}
