using System.Net;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>The /api/v1 JSON endpoints (transcoded) on the HTTP port: same tokens, roles and errors as gRPC.</summary>
public sealed class FleetJsonApiTests
{
    [Fact]
    public async Task GetClusters_NoToken_401JsonError()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, token: null);

        var response = await http.GetAsync("/api/v1/clusters");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task GetClusters_Admin_ListsRegisteredClusters()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.RegisterClusterAsync("json-east", ("env", "prod"));
        await hub.RegisterClusterAsync("json-west", ("env", "dev"));
        using var http = Client(hub, hub.AdminToken);

        var all = await http.GetAsync("/api/v1/clusters");
        var prod = await http.GetAsync("/api/v1/clusters?selector=env%3Dprod");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var clusters = JsonParser.Default.Parse<ListClustersResponse>(await all.Content.ReadAsStringAsync());
        Assert.Equal(["json-east", "json-west"], clusters.Clusters.Select(c => c.Name).Order());
        var selected = JsonParser.Default.Parse<ListClustersResponse>(await prod.Content.ReadAsStringAsync());
        Assert.Equal("json-east", Assert.Single(selected.Clusters).Name);
    }

    [Fact]
    public async Task Applications_AdminListGetAndSync_SameAsGrpc()
    {
        await using var hub = await TestHub.StartAsync();
        await CreateAppAsync(hub, "json-app");
        using var http = Client(hub, hub.AdminToken);

        var list = JsonParser.Default.Parse<ListApplicationsResponse>(await http.GetStringAsync("/api/v1/applications"));
        var one = JsonParser.Default.Parse<Application>(await http.GetStringAsync("/api/v1/applications/json-app"));
        var sync = await http.PostAsync("/api/v1/applications/json-app:sync", content: null);

        Assert.Equal("json-app", Assert.Single(list.Applications).Name);
        Assert.Equal("apps", one.Spec.Source.Repo);
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal("json-app", JsonParser.Default.Parse<Application>(await sync.Content.ReadAsStringAsync()).Name);
    }

    [Fact]
    public async Task Applications_BadInput_404And400NeverServerError()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);

        var missing = await http.GetAsync("/api/v1/applications/nowhere");
        var invalid = await http.GetAsync("/api/v1/applications/Not_A_Name");
        var syncMissing = await http.PostAsync("/api/v1/applications/nowhere:sync", content: null);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nowhere", await ErrorMessageAsync(missing));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("name", await ErrorMessageAsync(invalid));
        Assert.Equal(HttpStatusCode.NotFound, syncMissing.StatusCode);
    }

    [Fact]
    public async Task Sync_ReadOnlyToken_403ButReadsAllowed()
    {
        await using var hub = await TestHub.StartAsync();
        await CreateAppAsync(hub, "guarded");
        var readOnly = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly" })).Token;
        using var http = Client(hub, readOnly);

        var read = await http.GetAsync("/api/v1/applications/guarded");
        var sync = await http.PostAsync("/api/v1/applications/guarded:sync", content: null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sync.StatusCode);
        Assert.Contains("readonly", await ErrorMessageAsync(sync));
    }

    [Fact]
    public async Task GetApplication_ProjectTokenOtherProject_403()
    {
        await using var hub = await TestHub.StartAsync();
        await CreateAppAsync(hub, "not-yours");
        var projectToken = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "project", Project = "team-a" })).Token;
        using var http = Client(hub, projectToken);

        var response = await http.GetAsync("/api/v1/applications/not-yours");
        var list = JsonParser.Default.Parse<ListApplicationsResponse>(await http.GetStringAsync("/api/v1/applications"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(list.Applications);
    }
}
