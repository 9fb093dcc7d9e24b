using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Apply patches come as JSON or YAML under the same content type; both read the same.</summary>
[Collection(HostCollection.Name)]
public sealed class ApplyBodyTests(HostFixture fixture)
{
    private const string ConfigMaps = "api/v1/namespaces/default/configmaps";

    private static async Task<(int Code, JsonObject? Body)> ApplyAsync(SimulatedCluster cluster, string name, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"{cluster.Server}/{ConfigMaps}/{name}?fieldManager=t"));
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/apply-patch+yaml");
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }

    [Theory]
    [InlineData("json", "  {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"json\"},\"data\":{\"n\":\"1\",\"s\":\"x: y\"}}")]
    [InlineData("flow", "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}, data: {n: \"1\", s: \"x: y\"}}")]
    [InlineData("block", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: block\ndata:\n  n: \"1\"\n  s: \"x: y\"\n")]
    public async Task ApplyPatch_JsonOrYamlBody_SameObject(string name, string body)
    {
        var cluster = await fixture.NewClusterAsync("applybody");

        var (code, created) = await ApplyAsync(cluster, name, body);

        Assert.Equal(201, code);
        Assert.Equal("1", created?["data"]?["n"]?.GetValue<string>());
        Assert.Equal("x: y", created?["data"]?["s"]?.GetValue<string>());
        Assert.Equal("t", created?["metadata"]?["managedFields"]?[0]?["manager"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\",\"name\":\"dup\"}}")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\"}")]
    public async Task ApplyPatch_BadJsonBody_BadRequest(string body)
    {
        var cluster = await fixture.NewClusterAsync("applybody");

        var (code, status) = await ApplyAsync(cluster, "dup", body);

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status?["reason"]?.GetValue<string>());
    }
}
