using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GitOpsFleet.Hub.Tests.Security;

/// <summary>
/// A project token reads the clusters its project's destinations select, the repositories its sources allow,
/// and events about those clusters and its applications; never the rest of the fleet.
/// </summary>
public sealed class ProjectViewTests
{
    [Fact]
    public async Task FleetReads_ProjectToken_FilteredToItsProject()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedTwoTeamsAsync(hub);
        var team = await ProjectClientAsync(hub, "team-a");

        var clusters = await team.ListClustersAsync(new ListClustersRequest());
        var repositories = await team.ListRepositoriesAsync(new ListRepositoriesRequest());
        var own = await team.GetClusterAsync(new GetClusterRequest { Name = "view-a" });
        var other = await Assert.ThrowsAsync<RpcException>(async () => await team.GetClusterAsync(new GetClusterRequest { Name = "view-b" }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await team.GetClusterAsync(new GetClusterRequest { Name = "view-nowhere" }));

        Assert.Equal(["view-a"], clusters.Clusters.Select(c => c.Name));
        Assert.Equal(["apps-a"], repositories.Repositories.Select(r => r.Name));
        Assert.Equal("view-a", own.Name);
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Contains("team-a", other.Status.Detail);
        // An unknown cluster reads like another project's: no names leak.
        Assert.Equal(StatusCode.PermissionDenied, unknown.StatusCode);
        var all = await hub.Fleet.ListClustersAsync(new ListClustersRequest());
        Assert.Equal(["view-a", "view-b"], all.Clusters.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task ListEvents_ProjectToken_OnlyItsClustersAndApplications()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedTwoTeamsAsync(hub);
        var team = await ProjectClientAsync(hub, "team-a");

        var events = await team.ListEventsAsync(new ListEventsRequest());
        var limited = await team.ListEventsAsync(new ListEventsRequest { Limit = 1 });
        var everything = await hub.Fleet.ListEventsAsync(new ListEventsRequest());

        Assert.Contains(events.Events, e => e.Object == "cluster/view-a");
        Assert.All(events.Events, e => Assert.Contains(e.Object, new[] { "cluster/view-a", "application/app-a" }));
        Assert.Contains(everything.Events, e => e.Object == "cluster/view-b");
        Assert.Equal(events.Events[^1].Id, Assert.Single(limited.Events).Id);
    }

    [Fact]
    public async Task FleetReads_TokenOfMissingProject_SeesNothing()
    {
        await using var hub = await TestHub.StartAsync();
        await SeedTwoTeamsAsync(hub);
        var ghost = await ProjectClientAsync(hub, "no-such-team");

        Assert.Empty((await ghost.ListClustersAsync(new ListClustersRequest())).Clusters);
        Assert.Empty((await ghost.ListRepositoriesAsync(new ListRepositoriesRequest())).Repositories);
        Assert.Empty((await ghost.ListEventsAsync(new ListEventsRequest())).Events);
    }

    /// <summary>
    /// team-a deploys to clusters labelled team=a from repositories apps-a*; clusters view-a (team=a) and view-b (team=b),
    /// repositories apps-a and apps-b, application app-a in team-a and app-b in default.
    /// </summary>
    internal static async Task SeedTwoTeamsAsync(TestHub hub)
    {
        await hub.RegisterClusterAsync("view-a", ("team", "a"));
        await hub.RegisterClusterAsync("view-b", ("team", "b"));
        foreach (var name in new[] { "apps-a", "apps-b" })
        {
            var url = $"https://git.example/{name}.git";
            hub.Git.SetHead(url, "main", "c1");
            await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = name, Url = url }, Upsert = true });
        }
        var destination = new ProjectDestination { Namespace = "*" };
        destination.ClusterSelector["team"] = "a";
        var spec = new ProjectSpec { SourceRepos = { "apps-a*" }, Destinations = { destination } };
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = new Project { Name = "team-a", Spec = spec } });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = App("app-a", "apps-a", "team-a") });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = App("app-b", "apps-b", "default") });
    }

    internal static async Task<FleetService.FleetServiceClient> ProjectClientAsync(TestHub hub, string project)
    {
        var token = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "project", Project = project })).Token;
        return new FleetService.FleetServiceClient(hub.Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        }));
    }

    private static Application App(string name, string repo, string project) => new()
    {
        Name = name,
        Spec = new ApplicationSpec
        {
            Project = project,
            Source = new ApplicationSource { Repo = repo, Path = "app", Revision = "main" },
            Destination = new ApplicationDestination { Namespace = "web" },
        },
    };
}
