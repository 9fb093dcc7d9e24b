using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Projects;

/// <summary>The hub checks every rendered bundle against its project before it leaves for a cluster.</summary>
public sealed class ProjectRenderTests
{
    private const string RepoUrl = "https://git.example/team/shop.git";
    private const string Allowed = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}""";
    private const string ClusterRole = """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"root"}}""";
    private const string Stray = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"stray","namespace":"kube-system"}}""";

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

    [Theory]
    [InlineData(ClusterRole, "ClusterRole root", "cluster-scoped")]
    [InlineData(Stray, "ConfigMap stray", "namespace kube-system")]
    public async Task Render_ViolatingCommit_ErrorAndNothingSent(string violating, string objectName, string rule)
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", Allowed);
        hub.Renderer.SetManifests("c2", Allowed, violating);
        hub.Renderer.SetManifests("c3", Allowed, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"more"}}""");
        hub.Git.SetHead(RepoUrl, "main", "c1");
        var credential = await hub.RegisterClusterAsync("edge-1");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "edge-1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "shop", Url = RepoUrl } });
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = ProjectRpcTests.TeamProject() });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = ProjectRpcTests.App("shop", "team", "team-a") });
        Assert.Equal("c1", (await NextDesiredAsync(agent)).Revision);

        hub.Git.SetHead(RepoUrl, "main", "c2");
        var failed = await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "shop" });
        var failedStatus = failed.Status;
        hub.Git.SetHead(RepoUrl, "main", "c3");
        var recovered = await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "shop" });

        Assert.Contains(objectName, failedStatus.Error);
        Assert.Contains(rule, failedStatus.Error);
        Assert.Contains("project team", failedStatus.Error);
        Assert.Equal("c1", Assert.Single(failedStatus.Targets).DesiredRevision);
        // The next bundle the agent ever sees is c3: c2 never left the hub.
        Assert.Equal("c3", (await NextDesiredAsync(agent)).Revision);
        Assert.Equal("", recovered.Status.Error);
    }

    [Fact]
    public async Task Render_ProjectTightenedLater_RecheckedOnNextRender()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Renderer.SetManifests("c1", Allowed);
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.RegisterClusterAsync("edge-1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "shop", Url = RepoUrl } });
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = ProjectRpcTests.TeamProject() });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = ProjectRpcTests.App("shop", "team", "team-a") });

        var tightened = ProjectRpcTests.TeamProject();
        tightened.Spec.DeniedKinds.Add("/ConfigMap");
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = tightened, Upsert = true });
        var app = await hub.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = "shop" });

        Assert.Contains("ConfigMap settings: kind /ConfigMap is denied by project team", app.Status.Error);
    }
}
