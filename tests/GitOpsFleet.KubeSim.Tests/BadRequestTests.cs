using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Bad requests get the status codes and Status reasons a real API server returns, never a 500.</summary>
[Collection(HostCollection.Name)]
public sealed class BadRequestTests(HostFixture fixture)
{
    private const string ConfigMaps = "api/v1/namespaces/default/configmaps";

    private static async Task<(int Code, string? Reason, string? Message)> SendAsync(SimulatedCluster cluster, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(cluster.Server + "/" + path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = JsonNode.Parse(text) as JsonObject;
        return ((int)response.StatusCode, status?["reason"]?.GetValue<string>(), status?["message"]?.GetValue<string>());
    }

    public static TheoryData<string, string, string, string, int, string> Cases => new()
    {
        // method, path, content type, body, expected code, expected reason
        { "POST", ConfigMaps, "application/json", "{\"apiVersion\":\"v1\",\"kind\":", 400, "BadRequest" },
        { "PATCH", ConfigMaps + "/cfg?fieldManager=t", "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg\n  bad: [", 400, "BadRequest" },
        { "POST", "apis/apps/v1/namespaces/default/widgets", "application/json", "{}", 404, "NotFound" },
        { "GET", "apis/nothing.example.com/v1/things", "application/json", "", 404, "NotFound" },
        { "POST", ConfigMaps, "application/json", "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", 400, "BadRequest" },
        { "POST", ConfigMaps, "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}", 400, "BadRequest" },
        { "POST", ConfigMaps, "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}", 422, "Invalid" },
        { "PATCH", ConfigMaps + "/cfg", "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n", 400, "BadRequest" },
        { "POST", ConfigMaps + "/cfg", "application/json", "{}", 405, "MethodNotSupported" },
        { "PUT", ConfigMaps, "application/json", "{}", 405, "MethodNotSupported" },
        { "GET", ConfigMaps + "/absent", "application/json", "", 404, "NotFound" },
        { "POST", "api/v1/namespaces/absent/configmaps", "application/json", "{\"metadata\":{\"name\":\"x\"}}", 404, "NotFound" },
        { "GET", ConfigMaps + "?continue=not-a-token", "application/json", "", 400, "BadRequest" },
        { "GET", ConfigMaps + "?labelSelector=a+in+b", "application/json", "", 400, "BadRequest" },
        { "PATCH", ConfigMaps + "/absent", "application/merge-patch+json", "{\"data\":{}}", 404, "NotFound" },
        { "PATCH", "apis/apps/v1/namespaces/default/deployments/web?fieldManager=t", "application/apply-patch+yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other}\n", 400, "BadRequest" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_Bad_RealCodeAndReason(string method, string path, string contentType, string body, int code, string reason)
    {
        var cluster = await fixture.NewClusterAsync("bad");

        var response = await SendAsync(cluster, new HttpMethod(method), path, body.Length == 0 ? null : body, contentType);

        Assert.True(code == response.Code, $"{method} {path}: expected {code}, got {response.Code} {response.Reason}: {response.Message}");
        Assert.Equal(reason, response.Reason);
    }

    [Theory]
    [InlineData("apis/rbac.authorization.k8s.io/v1/clusterroles", "{\"metadata\":{\"name\":\"system:gitopsfleet:agent\"}}", 201, null)]
    [InlineData(ConfigMaps, "{\"metadata\":{\"name\":\"system:x\"}}", 422, "Invalid")]
    [InlineData("api/v1/namespaces", "{\"metadata\":{\"name\":\"has.dot\"}}", 422, "Invalid")]
    [InlineData(ConfigMaps, "{\"metadata\":{\"name\":\"ok\",\"labels\":{\"a\":1}}}", 422, "Invalid")]
    public async Task Create_NamesAndLabels_ValidatedPerKind(string path, string body, int code, string? reason)
    {
        var cluster = await fixture.NewClusterAsync("names");

        var response = await SendAsync(cluster, HttpMethod.Post, path, body);

        Assert.Equal((code, reason), (response.Code, response.Reason));
    }

    [Fact]
    public async Task Create_Existing_AlreadyExists()
    {
        var cluster = await fixture.NewClusterAsync("exists");
        const string body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"}}";

        var first = await SendAsync(cluster, HttpMethod.Post, ConfigMaps, body);
        var second = await SendAsync(cluster, HttpMethod.Post, ConfigMaps, body);

        Assert.Equal(201, first.Code);
        Assert.Equal((409, "AlreadyExists"), (second.Code, second.Reason));
        Assert.Equal("configmaps \"cfg\" already exists", second.Message);
    }

    [Fact]
    public async Task Put_StaleResourceVersion_Conflict()
    {
        var cluster = await fixture.NewClusterAsync("conflict");
        await SendAsync(cluster, HttpMethod.Post, ConfigMaps, "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"1\"}}");
        await SendAsync(cluster, HttpMethod.Put, ConfigMaps + "/cfg", "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"2\"}}");

        var stale = await SendAsync(cluster, HttpMethod.Put, ConfigMaps + "/cfg", "{\"metadata\":{\"name\":\"cfg\",\"resourceVersion\":\"1\"},\"data\":{\"a\":\"3\"}}");

        Assert.Equal((409, "Conflict"), (stale.Code, stale.Reason));
        Assert.Contains("the object has been modified", stale.Message);
    }

    [Fact]
    public async Task Patch_RenameOrStaleApply_RefusedAndObjectKept()
    {
        var cluster = await fixture.NewClusterAsync("immutable");
        await SendAsync(cluster, HttpMethod.Post, ConfigMaps, "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"1\"}}");

        var rename = await SendAsync(cluster, HttpMethod.Patch, ConfigMaps + "/cfg", "{\"metadata\":{\"name\":\"other\"}}", "application/merge-patch+json");
        var staleApply = await SendAsync(cluster, HttpMethod.Patch, ConfigMaps + "/cfg?fieldManager=t",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, resourceVersion: \"1\"}\ndata: {a: \"2\"}\n", "application/apply-patch+yaml");
        var read = await SendAsync(cluster, HttpMethod.Get, ConfigMaps + "/cfg");
        var renamed = await SendAsync(cluster, HttpMethod.Get, ConfigMaps + "/other");

        Assert.Equal((400, "BadRequest"), (rename.Code, rename.Reason));
        Assert.Equal((409, "Conflict"), (staleApply.Code, staleApply.Reason));
        Assert.Equal(200, read.Code);
        Assert.Equal(404, renamed.Code);
    }

    [Fact]
    public async Task Watch_ResourceVersionOlderThanHistory_GoneExpired()
    {
        await using var host = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { WatchHistorySize = 3 }, CancellationToken.None);
        var cluster = await host.AddClusterAsync("small-history", CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            await SendAsync(cluster, HttpMethod.Post, ConfigMaps, $"{{\"metadata\":{{\"name\":\"cm-{i}\"}}}}");
        }
        using var http = new HttpClient();

        // Like the real server, an expired watch answers 200 and a single ERROR event carrying a 410 Status.
        var text = await http.GetStringAsync(new Uri(cluster.Server + "/" + ConfigMaps + "?watch=true&resourceVersion=1"));
        var e = JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        var recent = await http.GetStringAsync(new Uri(cluster.Server + "/" + ConfigMaps + "?watch=true&resourceVersion=9&timeoutSeconds=1"));

        Assert.Equal("ERROR", e["type"]!.GetValue<string>());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
        Assert.Contains("\"cm-5\"", recent);
        Assert.DoesNotContain("\"ERROR\"", recent);
    }
}
