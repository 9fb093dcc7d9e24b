using System.Threading.Channels;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Registration;

/// <summary>Removing a cluster revokes its credential and ends its live stream (not merely lets it idle).</summary>
public sealed class ClusterRemovalTests
{
    [Fact]
    public async Task RemoveCluster_ConnectedAgent_StreamClosedPromptlyAndOldCredentialUnauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("leaving");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "leaving");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "leaving" }).ResponseAsync, c => c.Connected, "leaving connected");

        await hub.Fleet.RemoveClusterAsync(new RemoveClusterRequest { Name = "leaving" });

        // The hub ends the call: the stream completes (or fails) well before the read timeout; a timeout
        // would mean the agent was left connected.
        var ended = await Record.ExceptionAsync(() => agent.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.True(ended is ChannelClosedException or RpcException, $"stream not ended by the hub: {ended?.GetType().Name ?? "a message arrived"}");
        await using var again = await FakeAgent.ConnectAsync(hub.Agents, credential, "leaving");
        var refused = await Assert.ThrowsAsync<RpcException>(() => again.NextAsync());
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var listed = await hub.Fleet.ListClustersAsync(new ListClustersRequest());
        Assert.DoesNotContain(listed.Clusters, c => c.Name == "leaving");
    }
}
