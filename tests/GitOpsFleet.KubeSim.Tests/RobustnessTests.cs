using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Odd bodies and paths never produce a 500, and never leave the store in a state that breaks later reads.</summary>
[Collection(HostCollection.Name)]
public sealed class RobustnessTests(HostFixture fixture)
{
    private static readonly string[] Paths =
    [
        "api/v1/namespaces/default/configmaps",
        "api/v1/namespaces/default/configmaps/odd",
        "api/v1/namespaces/default/pods/odd/status",
        "apis/apps/v1/namespaces/default/deployments",
        "apis/apps/v1/namespaces/default/deployments/odd",
        "apis/apps/v1/namespaces/default/deployments/odd/status",
        "apis/apps/v1/namespaces/default/deployments/odd/scale",
        "api/v1/namespaces",
        "api/v1/namespaces/odd",
        "api/v1/namespaces/odd/finalize",
        "apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "apis/rbac.authorization.k8s.io/v1/clusterroles/odd",
        "api/v1/namespaces/default/configmaps/odd/extra/segments",
        "apis/apps",
        "openapi/v3/apis/apps/v1",
    ];

    private static readonly string[] Bodies =
    [
        "", "null", "[]", "42", "\"text\"", "{", "{}", "{\"metadata\":\"x\"}", "{\"metadata\":{\"name\":7}}",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"odd\",\"labels\":{\"a\":1}}}",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"odd\"},\"data\":{\"a\":[1]}}",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"odd\"},\"spec\":\"replicas\"}",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"odd\"},\"spec\":{\"replicas\":\"two\",\"template\":\"x\"}}",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"odd\",\"ownerReferences\":[{\"uid\":1}]}}",
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":\"odd\"},\"spec\":{\"names\":\"x\"}}",
        "{\"metadata\":{\"name\":\"Upper_Case\"}}",
        "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]",
        "[{\"op\":\"explode\"}]",
        "{\"spec\":{\"replicas\":null},\"metadata\":{\"finalizers\":\"x\"}}",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  labels: [a, b]\n",
        "- just\n- a list\n",
        "key: [unclosed",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/yaml", "application/apply-patch+yaml", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/json-patch+json", "text/plain", "application/vnd.kubernetes.protobuf",
    ];

    [Fact]
    public async Task OddRequests_AnyMethodPathAndBody_NeverInternalError()
    {
        var cluster = await fixture.NewClusterAsync("fuzz");
        using var http = new HttpClient();
        var failures = new List<string>();
        var codes = new HashSet<int>();
        var random = new Random(20261126);
        foreach (var path in Paths)
        {
            foreach (var method in new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
            {
                for (var i = 0; i < Bodies.Length; i++)
                {
                    var body = Bodies[i];
                    // Every body meets JSON once (so plain writes succeed) and a rotating other content type once.
                    var contentType = ContentTypes[(i + random.Next(ContentTypes.Length)) % ContentTypes.Length];
                    if (random.Next(2) == 0)
                    {
                        contentType = body.StartsWith('[') ? "application/json-patch+json" : method == "PATCH" ? "application/merge-patch+json" : "application/json";
                    }
                    var query = random.Next(3) switch { 0 => "", 1 => "?fieldManager=fuzz&force=true", _ => "?dryRun=All&fieldManager=fuzz&labelSelector=a%20in%20(b" };
                    using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"{cluster.Server}/{path}{query}"));
                    if (method is not "GET" and not "OPTIONS")
                    {
                        request.Content = new StringContent(body, Encoding.UTF8);
                        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                    }
                    using var response = await http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    codes.Add((int)response.StatusCode);
                    if ((int)response.StatusCode >= 500 || (!response.IsSuccessStatusCode && JsonNode.Parse(text)?["kind"]?.GetValue<string>() != "Status"))
                    {
                        failures.Add($"{method} {path}{query} [{contentType}] {body} -> {(int)response.StatusCode} {text}");
                    }
                }
            }
        }

        Assert.Empty(failures);
        // The table must have reached both sides: accepted writes and each kind of refusal.
        Assert.Contains(200, codes);
        Assert.Contains(201, codes);
        Assert.Contains(400, codes);
        Assert.Contains(404, codes);
        Assert.Contains(405, codes);
        Assert.Contains(422, codes);
        foreach (var list in new[] { "api/v1/namespaces/default/configmaps", "apis/apps/v1/namespaces/default/deployments", "api/v1/namespaces", "apis/apiextensions.k8s.io/v1/customresourcedefinitions" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{cluster.Server}/{list}"));
            request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{list}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
