using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

/// <summary><c>fleet cluster rotate-credential</c> and the credential line of <c>fleet cluster get</c>.</summary>
public sealed class CredentialRotationCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task RotateCredential_ConnectedCluster_SendsRequestAndSaysTheOldWorksUntilStored()
    {
        _hub.Service.Clusters.Add(new Cluster { Name = "edge-1", Connected = true });

        var result = await _hub.RunAsync("cluster", "rotate-credential", "edge-1");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<RotateClusterCredentialRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal("edge-1", request.Name);
        Assert.False(request.RevokeOldNow);
        Assert.Contains("new credential sent to the agent", result.Stdout);
    }

    [Fact]
    public async Task RotateCredential_OfflineCluster_SaysDeliveredOnConnect()
    {
        _hub.Service.Clusters.Add(new Cluster { Name = "edge-2", Connected = false });

        var result = await _hub.RunAsync("cluster", "rotate-credential", "edge-2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("delivered when it connects", result.Stdout);
    }

    [Fact]
    public async Task RotateCredential_RevokeOldNow_SendsFlagAndPointsToAJoinToken()
    {
        var result = await _hub.RunAsync("cluster", "rotate-credential", "edge-3", "--revoke-old-now");

        Assert.Equal(0, result.ExitCode);
        Assert.True(Assert.IsType<RotateClusterCredentialRequest>(Assert.Single(_hub.Service.Requests)).RevokeOldNow);
        Assert.Contains("join-token create", result.Stdout);
    }

    [Fact]
    public async Task ClusterList_RotationPendingOrRevoked_Marked()
    {
        _hub.Service.Clusters.Add(new Cluster { Name = "edge-5", Connected = true, CredentialRotationPending = true });
        _hub.Service.Clusters.Add(new Cluster { Name = "edge-6", CredentialRevoked = true });

        var result = await _hub.RunAsync("cluster", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("yes (rotation pending)", Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("edge-5", StringComparison.Ordinal)));
        Assert.Contains("no (credential revoked)", Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("edge-6", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(true, 0, false, "rotation pending")]
    [InlineData(false, 120, false, "rotated 2m ago")]
    [InlineData(false, 0, true, "revoked")]
    [InlineData(false, 0, false, "not rotated since registration")]
    public async Task ClusterGet_ShowsCredentialState(bool pending, int rotatedSecondsAgo, bool revoked, string expected)
    {
        _hub.Service.Clusters.Add(new Cluster
        {
            Name = "edge-4",
            CredentialRotationPending = pending,
            CredentialRotatedUnixMs = rotatedSecondsAgo == 0 ? 0 : DateTimeOffset.UtcNow.AddSeconds(-rotatedSecondsAgo).ToUnixTimeMilliseconds(),
            CredentialRevoked = revoked,
        });

        var result = await _hub.RunAsync("cluster", "get", "edge-4");

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("Credential:", StringComparison.Ordinal));
        Assert.Contains(expected, line);
    }
}
