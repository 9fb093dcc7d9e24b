using System.Threading.Channels;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Registration;

/// <summary>RotateClusterCredential over real gRPC: delivery on the stream, the acknowledgement cut-over, offline delivery, revoke-old-now.</summary>
public sealed class CredentialRotationTests
{
    [Fact]
    public async Task Rotate_ConnectedAgent_OldWorksUntilAckThenUnauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var oldCredential = await hub.RegisterClusterAsync("rotor");
        await using var agent = await ConnectedAsync(hub, oldCredential, "rotor");

        var reply = await hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "rotor" });
        var rotation = (await NextOfAsync(agent, HubMessage.BodyOneofCase.RotateCredential)).RotateCredential;

        Assert.True(reply.CredentialRotationPending);
        Assert.NotEqual(oldCredential, rotation.Credential);
        Assert.StartsWith("rotor.", rotation.Credential);

        await agent.SendAsync(new AgentMessage { CredentialAck = new CredentialAck { RotationId = rotation.RotationId } });
        var rotated = await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "rotor" }).ResponseAsync,
            c => !c.CredentialRotationPending, "the rotation to complete");

        Assert.True(rotated.CredentialRotatedUnixMs > 0);
        await AssertRefusedAsync(hub, oldCredential, "rotor");
        await AssertAcceptedAsync(hub, rotation.Credential, "rotor");
    }

    [Fact]
    public async Task Rotate_NotYetAcknowledged_OldStillConnectsAndGetsAFreshCredential()
    {
        await using var hub = await TestHub.StartAsync();
        var oldCredential = await hub.RegisterClusterAsync("slowpoke");
        await using var first = await ConnectedAsync(hub, oldCredential, "slowpoke");
        await hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "slowpoke" });
        var unacknowledged = (await NextOfAsync(first, HubMessage.BodyOneofCase.RotateCredential)).RotateCredential;

        // The agent restarts before acknowledging: its old credential still opens a stream, and the
        // hub mints a fresh credential for it there (the first one was never confirmed).
        await using var second = await FakeAgent.ConnectAsync(hub.Agents, oldCredential, "slowpoke");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await second.NextAsync()).BodyCase);
        var fresh = (await NextOfAsync(second, HubMessage.BodyOneofCase.RotateCredential)).RotateCredential;
        Assert.NotEqual(unacknowledged.Credential, fresh.Credential);

        // A late acknowledgement of the replaced rotation changes nothing.
        await second.SendAsync(new AgentMessage { CredentialAck = new CredentialAck { RotationId = unacknowledged.RotationId } });
        await second.SendAsync(new AgentMessage { CredentialAck = new CredentialAck { RotationId = fresh.RotationId } });
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "slowpoke" }).ResponseAsync,
            c => !c.CredentialRotationPending, "the rotation to complete");
        await AssertRefusedAsync(hub, oldCredential, "slowpoke");
        await AssertRefusedAsync(hub, unacknowledged.Credential, "slowpoke");
        await AssertAcceptedAsync(hub, fresh.Credential, "slowpoke");
    }

    [Fact]
    public async Task Rotate_AgentOffline_DeliveredOnReconnect_OldWorksUntilThen()
    {
        await using var hub = await TestHub.StartAsync();
        var oldCredential = await hub.RegisterClusterAsync("sleeper");

        var reply = await hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "sleeper" });
        Assert.True(reply.CredentialRotationPending);
        Assert.False(reply.Connected);

        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, oldCredential, "sleeper");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);
        var rotation = (await NextOfAsync(agent, HubMessage.BodyOneofCase.RotateCredential)).RotateCredential;
        await agent.SendAsync(new AgentMessage { CredentialAck = new CredentialAck { RotationId = rotation.RotationId } });

        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "sleeper" }).ResponseAsync,
            c => !c.CredentialRotationPending && c.CredentialRotatedUnixMs > 0, "the rotation to complete");
        await AssertRefusedAsync(hub, oldCredential, "sleeper");
        await AssertAcceptedAsync(hub, rotation.Credential, "sleeper");
    }

    [Fact]
    public async Task Rotate_StreamLostBeforeAck_NewCredentialOnReconnectCountsAsAck()
    {
        await using var hub = await TestHub.StartAsync();
        var oldCredential = await hub.RegisterClusterAsync("flaky");
        string newCredential;
        await using (var agent = await ConnectedAsync(hub, oldCredential, "flaky"))
        {
            await hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "flaky" });
            newCredential = (await NextOfAsync(agent, HubMessage.BodyOneofCase.RotateCredential)).RotateCredential.Credential;
        }

        await AssertAcceptedAsync(hub, newCredential, "flaky");

        var cluster = await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "flaky" });
        Assert.False(cluster.CredentialRotationPending);
        await AssertRefusedAsync(hub, oldCredential, "flaky");
    }

    [Fact]
    public async Task Rotate_RevokeOldNow_EndsStreamAndOnlyANewJoinTokenBringsItBack()
    {
        await using var hub = await TestHub.StartAsync();
        var oldCredential = await hub.RegisterClusterAsync("breached");
        await using var agent = await ConnectedAsync(hub, oldCredential, "breached");

        var reply = await hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "breached", RevokeOldNow = true });

        Assert.True(reply.CredentialRevoked);
        var ended = await Record.ExceptionAsync(() => NextOfAsync(agent, HubMessage.BodyOneofCase.RotateCredential));
        Assert.True(ended is ChannelClosedException or RpcException, $"stream not ended by the hub: {ended?.GetType().Name ?? "a credential was sent"}");
        await AssertRefusedAsync(hub, oldCredential, "breached");

        var rejoined = await hub.RegisterClusterAsync("breached");
        await AssertAcceptedAsync(hub, rejoined, "breached");
        var cluster = await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "breached" });
        Assert.False(cluster.CredentialRevoked);
    }

    [Fact]
    public async Task Rotate_UnknownCluster_NotFound()
    {
        await using var hub = await TestHub.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "ghost" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("ghost", error.Status.Detail);
    }

    private static async Task<FakeAgent> ConnectedAsync(TestHub hub, string credential, string cluster)
    {
        var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, cluster);
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await agent.NextAsync()).BodyCase);
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = cluster }).ResponseAsync, c => c.Connected, $"{cluster} connected");
        return agent;
    }

    private static async Task<HubMessage> NextOfAsync(FakeAgent agent, HubMessage.BodyOneofCase kind)
    {
        while (true)
        {
            var message = await agent.NextAsync(TimeSpan.FromSeconds(10));
            if (message.BodyCase == kind)
            {
                return message;
            }
        }
    }

    /// <summary>A raw Connect with this credential gets Welcome.</summary>
    private static async Task AssertAcceptedAsync(TestHub hub, string credential, string cluster)
    {
        await using var probe = await FakeAgent.ConnectAsync(hub.Agents, credential, cluster);
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await probe.NextAsync()).BodyCase);
    }

    /// <summary>A raw Connect with this credential is refused with Unauthenticated.</summary>
    private static async Task AssertRefusedAsync(TestHub hub, string credential, string cluster)
    {
        await using var probe = await FakeAgent.ConnectAsync(hub.Agents, credential, cluster);
        var refused = await Assert.ThrowsAsync<RpcException>(() => probe.NextAsync());
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
