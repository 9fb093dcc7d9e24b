using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Grpc;

public sealed class AgentRegistrationTests
{
    [Fact]
    public async Task Register_ThenConnect_ReceivesWelcomeAndClusterIsConnected()
    {
        await using var hub = await TestHub.StartAsync();
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Labels = { ["env"] = "dev" } });
        Assert.StartsWith("dotnet run --project agent/GitOpsFleet.Agent -- --hub http://127.0.0.1:", token.AgentCommand);
        Assert.Contains($"--join-token {token.Token} --cluster-name CLUSTER_NAME", token.AgentCommand);

        var registered = await hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "alpha" });
        Assert.Equal("dev", registered.Labels["env"]);
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, registered.Credential, "alpha");

        var welcome = await agent.NextAsync();
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, welcome.BodyCase);
        Assert.Equal("alpha", welcome.Welcome.ClusterName);
        var cluster = await Eventually.UntilAsync(
            () => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "alpha" }).ResponseAsync, c => c.Connected, "alpha connected");
        Assert.Equal("dev", cluster.Labels["env"]);
        var events = await hub.Fleet.ListEventsAsync(new ListEventsRequest { Object = "cluster/alpha" });
        Assert.Contains(events.Events, e => e.Type == "ClusterConnected");
    }

    [Fact]
    public async Task Register_SingleUseTokenTwice_SecondRefused()
    {
        await using var hub = await TestHub.StartAsync();
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest());

        await hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "first" });
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "second" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("single-use", error.Status.Detail);
        var listed = await hub.Fleet.ListJoinTokensAsync(new ListJoinTokensRequest());
        Assert.Equal(1, Assert.Single(listed.Tokens).Uses);
    }

    [Fact]
    public async Task Register_TakenName_AlreadyExistsAndTokenNotSpent()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.RegisterClusterAsync("taken");
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "taken" }).ResponseAsync);
        var retry = await hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "free" });

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("free", retry.ClusterName);
    }

    [Fact]
    public async Task Register_RevokedToken_PermissionDenied()
    {
        await using var hub = await TestHub.StartAsync();
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true });
        await hub.Fleet.RevokeJoinTokenAsync(new RevokeJoinTokenRequest { Id = token.Id });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "late" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Register_InvalidClusterName_InvalidArgument()
    {
        await using var hub = await TestHub.StartAsync();
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Agents.RegisterAsync(new RegisterRequest { JoinToken = token.Token, ClusterName = "Bad_Name" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("cluster_name", error.Status.Detail);
    }

    [Fact]
    public async Task Connect_ForgedCredential_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.RegisterClusterAsync("victim");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, "victim.forged-secret", "victim");

        var error = await Assert.ThrowsAsync<RpcException>(() => agent.NextAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Connect_StreamEnds_ClusterShownDisconnected()
    {
        await using var hub = await TestHub.StartAsync();
        var credential = await hub.RegisterClusterAsync("flaky");
        var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "flaky");
        await agent.NextAsync();
        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "flaky" }).ResponseAsync, c => c.Connected, "connected");

        await agent.DisposeAsync();

        await Eventually.UntilAsync(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "flaky" }).ResponseAsync, c => !c.Connected, "disconnected");
    }
}
