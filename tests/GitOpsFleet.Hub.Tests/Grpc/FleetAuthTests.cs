using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Grpc;

public sealed class FleetAuthTests
{
    [Fact]
    public async Task ListClusters_NoToken_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var anonymous = new FleetService.FleetServiceClient(hub.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.ListClustersAsync(new ListClustersRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task CreateJoinToken_WrongToken_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var client = new FleetService.FleetServiceClient(hub.Channel);
        var headers = new Metadata { { "authorization", "Bearer gfa_not-a-real-token" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateJoinTokenAsync(new CreateJoinTokenRequest(), headers).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task WatchEvents_NoToken_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var anonymous = new FleetService.FleetServiceClient(hub.Channel);
        using var call = anonymous.WatchEvents(new WatchEventsRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task GetCluster_Unknown_NotFoundNamingIt()
    {
        await using var hub = await TestHub.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "nowhere" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("nowhere", error.Status.Detail);
    }

    [Fact]
    public async Task CreateApplication_BadName_InvalidArgumentNamingField()
    {
        await using var hub = await TestHub.StartAsync();
        var request = new CreateApplicationRequest
        {
            Application = new Application { Name = "Not_Valid", Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "r" } } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.CreateApplicationAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("application.name", error.Status.Detail);
    }

    [Fact]
    public async Task AddRepository_Twice_AlreadyExistsUnlessUpsert()
    {
        await using var hub = await TestHub.StartAsync();
        var repository = new Repository { Name = "apps", Url = "https://git.example/apps.git", Password = "secret" };

        var added = await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = repository });
        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = repository }).ResponseAsync);
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = repository, Upsert = true });
        var listed = await hub.Fleet.ListRepositoriesAsync(new ListRepositoriesRequest());

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("", added.Password);
        var only = Assert.Single(listed.Repositories);
        Assert.Equal("apps", only.Name);
        Assert.Equal("", only.Password);
    }

    [Fact]
    public async Task ReadOnlyToken_ListAllowedMutationDenied()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.Host.Grains.ApiTokens().CreateAsync(new ApiTokenRecord("ro", GitOpsFleet.Hub.Grpc.Secrets.Hash("gfa_readonly"), ApiRoles.ReadOnly, "test", 0));
        var client = new FleetService.FleetServiceClient(hub.Channel);
        var headers = new Metadata { { "authorization", "Bearer gfa_readonly" } };

        await client.ListClustersAsync(new ListClustersRequest(), headers);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateJoinTokenAsync(new CreateJoinTokenRequest(), headers).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
