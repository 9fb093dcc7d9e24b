using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Registration;

public sealed class ClusterApprovalTests
{
    private const string RepoUrl = "https://git.example/approval.git";
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}""";

    [Fact]
    public async Task Register_TokenRequiresApproval_NoDesiredUntilApproved()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var pendingCredential = await RegisterAsync(hub, "edge", requireApproval: true);
        var approvedCredential = await hub.RegisterClusterAsync("core");
        await using var edge = await FakeAgent.ConnectAsync(hub.Agents, pendingCredential, "edge");
        await using var core = await FakeAgent.ConnectAsync(hub.Agents, approvedCredential, "core");
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await edge.NextAsync()).BodyCase);
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await core.NextAsync()).BodyCase);

        await CreateAppAsync(hub, "everywhere");

        // The application targets both clusters and the approved one gets its Desired...
        Assert.Equal("everywhere", (await NextDesiredAsync(core)).App);
        await Eventually.UntilAsync(() => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "everywhere" }).ResponseAsync,
            a => a.Status.Targets.Any(t => t.Cluster == "edge" && t.Generation > 0), "edge targeted");
        // ...while the pending one is sent nothing at all.
        await Assert.ThrowsAsync<TimeoutException>(() => edge.NextAsync(TimeSpan.FromSeconds(2)));
        Assert.True((await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "edge" })).PendingApproval);
        Assert.False((await hub.Fleet.GetClusterAsync(new GetClusterRequest { Name = "core" })).PendingApproval);

        var approved = await hub.Fleet.ApproveClusterAsync(new ApproveClusterRequest { Name = "edge" });

        Assert.False(approved.PendingApproval);
        var desired = await NextDesiredAsync(edge);
        Assert.Equal("everywhere", desired.App);
        Assert.Equal("c1", desired.Revision);
    }

    [Fact]
    public async Task Connect_PendingClusterReconnects_WelcomedWithoutDesired()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", ConfigMap);
        var credential = await RegisterAsync(hub, "patient", requireApproval: true);
        await CreateAppAsync(hub, "waiting");
        await Eventually.UntilAsync(() => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "waiting" }).ResponseAsync,
            a => a.Status.Targets.Any(t => t.Cluster == "patient" && t.Generation > 0), "patient targeted");

        await using (var first = await FakeAgent.ConnectAsync(hub.Agents, credential, "patient"))
        {
            Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await first.NextAsync()).BodyCase);
            await Assert.ThrowsAsync<TimeoutException>(() => first.NextAsync(TimeSpan.FromSeconds(2)));
        }
        await hub.Fleet.ApproveClusterAsync(new ApproveClusterRequest { Name = "patient" });
        await using var second = await FakeAgent.ConnectAsync(hub.Agents, credential, "patient");

        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await second.NextAsync()).BodyCase);
        Assert.Equal("waiting", (await NextDesiredAsync(second)).App);
    }

    [Fact]
    public async Task ApproveCluster_UnknownOrInvalidName_NotFoundOrInvalid()
    {
        await using var hub = await TestHub.StartAsync();

        var missing = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.ApproveClusterAsync(new ApproveClusterRequest { Name = "nowhere" }).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.ApproveClusterAsync(new ApproveClusterRequest { Name = "Not_A_Label" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nowhere", missing.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task CreateJoinToken_RequireApproval_ListedWithTheFlag()
    {
        await using var hub = await TestHub.StartAsync();

        var created = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { RequireApproval = true });
        var listed = await hub.Fleet.ListJoinTokensAsync(new ListJoinTokensRequest());

        Assert.True(created.RequireApproval);
        Assert.True(Assert.Single(listed.Tokens).RequireApproval);
    }

    private static async Task<string> RegisterAsync(TestHub hub, string cluster, bool requireApproval)
    {
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { RequireApproval = requireApproval });
        var response = await hub.Agents.RegisterAsync(new RegisterRequest
        {
            JoinToken = token.Token,
            ClusterName = cluster,
            AgentVersion = "test",
            KubernetesVersion = "v1.32.0",
        });
        return response.Credential;
    }

    private static async Task CreateAppAsync(TestHub hub, string name)
    {
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = RepoUrl }, Upsert = true });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "apps", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "web" },
                    SyncPolicy = new SyncPolicy { Automated = true },
                },
            },
        });
    }

    private static async Task<Desired> NextDesiredAsync(FakeAgent agent)
    {
        while (true)
        {
            var message = await agent.NextAsync();
            if (message.BodyCase == HubMessage.BodyOneofCase.Desired)
            {
                return message.Desired;
            }
        }
    }
}
