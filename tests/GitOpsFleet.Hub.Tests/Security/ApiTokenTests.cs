using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Security;

public sealed class ApiTokenTests
{
    [Fact]
    public async Task CreateApiToken_Readonly_ListedWithoutSecretAndWorks()
    {
        await using var hub = await TestHub.StartAsync();

        var created = await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly", Description = "ci", TtlSeconds = 3600 });
        var listed = await hub.Fleet.ListApiTokensAsync(new ListApiTokensRequest());
        await Client(hub, created.Token).ListClustersAsync(new ListClustersRequest());

        Assert.StartsWith("gfa_", created.Token);
        Assert.True(created.ExpiresUnixMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var row = Assert.Single(listed.Tokens, t => t.Id == created.Id);
        Assert.Equal("readonly", row.Role);
        Assert.Equal("", row.Token);
        Assert.Contains(listed.Tokens, t => t.Role == "admin");
    }

    [Fact]
    public async Task RevokeApiToken_Revoked_Unauthenticated()
    {
        await using var hub = await TestHub.StartAsync();
        var created = await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "readonly" });
        var client = Client(hub, created.Token);
        await client.ListClustersAsync(new ListClustersRequest());

        await hub.Fleet.RevokeApiTokenAsync(new RevokeApiTokenRequest { Id = created.Id });
        var error = await Assert.ThrowsAsync<RpcException>(() => client.ListClustersAsync(new ListClustersRequest()).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.RevokeApiTokenAsync(new RevokeApiTokenRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(created.Id, unknown.Status.Detail);
    }

    [Fact]
    public async Task RevokeApiToken_LastAdmin_FailedPreconditionUntilAnotherExists()
    {
        await using var hub = await TestHub.StartAsync();
        var initial = Assert.Single((await hub.Fleet.ListApiTokensAsync(new ListApiTokensRequest())).Tokens);

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.RevokeApiTokenAsync(new RevokeApiTokenRequest { Id = initial.Id }).ResponseAsync);
        var second = await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "admin" });
        await hub.Fleet.RevokeApiTokenAsync(new RevokeApiTokenRequest { Id = initial.Id });
        var listed = await Client(hub, second.Token).ListApiTokensAsync(new ListApiTokensRequest());

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(initial.Id, error.Status.Detail);
        Assert.Equal(second.Id, Assert.Single(listed.Tokens).Id);
    }

    [Fact]
    public async Task ApiToken_Expired_UnauthenticatedSayingExpired()
    {
        await using var hub = await TestHub.StartAsync();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await hub.Host.Grains.ApiTokens().CreateAsync(
            new ApiTokenRecord("old", Secrets.Hash("gfa_old"), ApiRoles.Admin, "test", 0) { ExpiresUnixMs = past });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(hub, "gfa_old").ListClustersAsync(new ListClustersRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail);
    }

    [Theory]
    [InlineData("root", "", "role")]
    [InlineData("project", "", "project")]
    [InlineData("project", "Not_A_Name", "project")]
    [InlineData("readonly", "team-a", "project")]
    public async Task CreateApiToken_BadInput_InvalidArgumentNamingField(string role, string project, string field)
    {
        await using var hub = await TestHub.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = role, Project = project }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
    }

    [Fact]
    public async Task ProjectToken_CreateApplicationInOtherProject_PermissionDenied()
    {
        await using var hub = await TestHub.StartAsync();
        var token = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "project", Project = "team-a" })).Token;
        var request = new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "sneaky",
                Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "r" }, Project = "team-b" },
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(hub, token).CreateApplicationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("team-b", error.Status.Detail);
    }

    private static FleetService.FleetServiceClient Client(TestHub hub, string token) =>
        new(global::Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(hub.Channel.CreateCallInvoker(), m =>
        {
            m.Add("authorization", $"Bearer {token}");
            return m;
        }));
}
