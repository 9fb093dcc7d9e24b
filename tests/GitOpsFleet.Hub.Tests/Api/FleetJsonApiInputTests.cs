using System.Net;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>Bad input to the JSON API answers 400/404/413 with a JSON error naming the field, never 500.</summary>
public sealed class FleetJsonApiInputTests
{
    [Fact]
    public async Task BadInput_EachKind_4xxJsonErrorNamingTheField()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);

        var unknownField = await http.PostAsync("/api/v1/applications", Json("""{"application":{"name":"x"},"colour":"blue"}"""));
        var missing = await http.PostAsync("/api/v1/applications", Json("{}"));
        var malformed = await http.PostAsync("/api/v1/applications", Json("""{"application": """));
        var wrongType = await http.PostAsync("/api/v1/join-tokens", Json("""{"ttlSeconds":"soon"}"""));
        var invalidName = await http.GetAsync("/api/v1/clusters/Not_A_Name");
        var missingCluster = await http.DeleteAsync("/api/v1/clusters/nowhere");
        var oversized = await http.PostAsync("/api/v1/repositories", Json("{\"repository\":{\"url\":\"" + new string('x', 5 * 1024 * 1024) + "\"}}"));
        // Without a Content-Length (chunked) the limit bites while reading.
        var chunkedBody = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"repository\":{\"url\":\"" + new string('x', 5 * 1024 * 1024) + "\"}}")));
        chunkedBody.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/repositories") { Content = chunkedBody };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        var chunked = await http.SendAsync(chunkedRequest);

        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Contains("colour", await ErrorMessageAsync(unknownField));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("application", await ErrorMessageAsync(missing));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("ttl", await ErrorMessageAsync(wrongType), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.BadRequest, invalidName.StatusCode);
        Assert.Contains("name", await ErrorMessageAsync(invalidName));
        Assert.Equal(HttpStatusCode.NotFound, missingCluster.StatusCode);
        Assert.Contains("nowhere", await ErrorMessageAsync(missingCluster));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Contains("limit", await ErrorMessageAsync(oversized));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("limit", await ErrorMessageAsync(chunked));
    }

    [Fact]
    public async Task JoinTokensAndClusters_TranscodedPaths_SameAsGrpc()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);

        var created = await http.PostAsync("/api/v1/join-tokens", Json("""{"reusable":true,"labels":{"env":"prod"}}"""));
        var createdJson = await created.Content.ReadAsStringAsync();
        var token = JsonParser.Default.Parse<JoinToken>(createdJson);
        var listed = JsonParser.Default.Parse<ListJoinTokensResponse>(await http.GetStringAsync("/api/v1/join-tokens"));
        await hub.RegisterClusterAsync("json-approve");
        var cluster = JsonParser.Default.Parse<Cluster>(await http.GetStringAsync("/api/v1/clusters/json-approve"));
        var removed = await http.DeleteAsync("/api/v1/clusters/json-approve");
        var revoked = await http.DeleteAsync($"/api/v1/join-tokens/{token.Id}");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.StartsWith("gfj_", token.Token);
        // proto3 JSON: int64 as a string, defaults written (the event stream and the CLI's -o json agree).
        using (var raw = System.Text.Json.JsonDocument.Parse(createdJson))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.String, raw.RootElement.GetProperty("expiresUnixMs").ValueKind);
            Assert.False(raw.RootElement.GetProperty("revoked").GetBoolean());
        }
        Assert.Contains(listed.Tokens, t => t.Id == token.Id && t.Labels["env"] == "prod");
        Assert.Equal("json-approve", cluster.Name);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "json-approve" }));
    }

    [Fact]
    public async Task Rollouts_ReadOnlyToken_ReadsButActions403()
    {
        await using var hub = await TestHub.StartAsync();
        await CreateAppAsync(hub, "json-rollout");
        var readOnly = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly" })).Token;
        using var http = Client(hub, readOnly);

        var history = await http.GetAsync("/api/v1/applications/json-rollout/rollouts");
        var pause = await http.PostAsync("/api/v1/applications/json-rollout/rollout:pause?reason=test", content: null);

        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        Assert.Contains("PauseRollout", await ErrorMessageAsync(pause));
    }
}
