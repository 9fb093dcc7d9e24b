using System.Net;
using System.Text.Json;
using GitOpsFleet.Hub.Api;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>The OpenAPI document covers every FleetService rpc, so none can be left off the JSON API unnoticed.</summary>
public sealed class FleetOpenApiTests
{
    [Fact]
    public void Document_EveryFleetServiceRpc_HasAnOperation()
    {
        using var document = JsonDocument.Parse(FleetOpenApi.Document);
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Select(operation => operation.Value.GetProperty("operationId").GetString())
            .ToList();

        var missing = FleetService.Descriptor.Methods.Select(m => m.Name).Except(operations).ToList();

        Assert.True(missing.Count == 0, $"rpcs without an HTTP path (add a google.api.http option in fleet.proto): {string.Join(", ", missing)}");
        Assert.Equal(operations.Count, operations.Distinct().Count());
    }

    [Fact]
    public void Document_GetApplication_PathParameterAndResponseSchema()
    {
        using var document = JsonDocument.Parse(FleetOpenApi.Document);
        var get = document.RootElement.GetProperty("paths").GetProperty("/api/v1/applications/{name}").GetProperty("get");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "name" && p.GetProperty("in").GetString() == "path");
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "resources" && p.GetProperty("in").GetString() == "query");
        Assert.Equal("#/components/schemas/gitopsfleet.fleet.v1.Application",
            get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(schemas.GetProperty("gitopsfleet.fleet.v1.Application").GetProperty("properties").TryGetProperty("spec", out _));
    }

    [Fact]
    public async Task GetOpenApi_NoToken_ServedOnHttpPort()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, token: null);

        using var response = await http.GetAsync("/api/v1/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/api/v1/events:watch", out _));
    }
}
