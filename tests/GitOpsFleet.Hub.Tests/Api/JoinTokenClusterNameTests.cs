using System.Net;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>CreateJoinToken's cluster_name fills the agent command and manifests; without it a commented placeholder stays.</summary>
public sealed class JoinTokenClusterNameTests
{
    [Fact]
    public async Task CreateJoinToken_ClusterName_FilledIntoCommandAndManifests()
    {
        await using var hub = await TestHub.StartAsync();

        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { ClusterName = "edge-1" });

        Assert.EndsWith("--cluster-name edge-1", token.AgentCommand);
        Assert.Contains("\"--cluster-name\", \"edge-1\"", token.AgentManifests);
        Assert.StartsWith("# GitOpsFleet agent for cluster edge-1.", token.AgentManifests);
        Assert.DoesNotContain("CLUSTER_NAME", token.AgentManifests);
    }

    [Fact]
    public async Task CreateJoinToken_NoClusterName_PlaceholderWithComment()
    {
        await using var hub = await TestHub.StartAsync();

        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest());

        Assert.Contains("--cluster-name CLUSTER_NAME  # replace CLUSTER_NAME with this cluster's name", token.AgentCommand);
        Assert.Contains("\"--cluster-name\", \"CLUSTER_NAME\"", token.AgentManifests);
        Assert.StartsWith("# GitOpsFleet agent. Replace CLUSTER_NAME with this cluster's name", token.AgentManifests);
    }

    [Fact]
    public async Task CreateJoinToken_OverJsonApi_AgentDialsTheGrpcPort()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);

        var response = await http.PostAsync("/api/v1/join-tokens", Json("""{"clusterName":"edge-2"}"""));
        var token = Google.Protobuf.JsonParser.Default.Parse<JoinToken>(await response.Content.ReadAsStringAsync());

        var grpc = $"http://127.0.0.1:{hub.Host.GrpcAddress.Port}";
        Assert.Contains($"--hub {grpc} ", token.AgentCommand);
        Assert.Contains($"\"--hub\", \"{grpc}\"", token.AgentManifests);
        Assert.DoesNotContain($":{hub.Host.HttpAddress.Port}", token.AgentCommand);
    }

    [Fact]
    public async Task CreateJoinToken_InvalidClusterName_InvalidArgumentNamingField()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);

        var grpc = await Assert.ThrowsAsync<RpcException>(async () =>
            await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { ClusterName = "Edge_1" }));
        var json = await http.PostAsync("/api/v1/join-tokens", Json("""{"clusterName":"-edge"}"""));

        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
        Assert.Contains("cluster_name", grpc.Status.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Contains("cluster_name", await ErrorMessageAsync(json));
        Assert.Empty((await hub.Fleet.ListJoinTokensAsync(new ListJoinTokensRequest())).Tokens);
    }
}
