using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Projects;

public sealed class ProjectRpcTests
{
    private const string RepoUrl = "https://git.example/team/shop.git";

    internal static Project TeamProject(string name = "team") => new()
    {
        Name = name,
        Spec = new ProjectSpec
        {
            SourceRepos = { "https://git.example/team/*" },
            Destinations = { new ProjectDestination { Namespace = "team-*" } },
            DeniedKinds = { "/Secret" },
        },
    };

    internal static Application App(string name, string project, string ns, string repo = "shop") => new()
    {
        Name = name,
        Spec = new ApplicationSpec
        {
            Source = new ApplicationSource { Repo = repo, Path = "app", Revision = "main" },
            Destination = new ApplicationDestination { Namespace = ns },
            SyncPolicy = new SyncPolicy { Automated = true },
            Project = project,
        },
    };

    private static async Task AddRepositoriesAsync(TestHub hub)
    {
        hub.Git.SetHead(RepoUrl, "main", "c1");
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "shop", Url = RepoUrl } });
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "elsewhere", Url = "https://git.example/other/x.git" } });
    }

    [Fact]
    public async Task CreateProject_ThenGetAndList_RoundTrips()
    {
        await using var hub = await TestHub.StartAsync();

        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = TeamProject() });
        var got = await hub.Fleet.GetProjectAsync(new GetProjectRequest { Name = "team" });
        var list = await hub.Fleet.ListProjectsAsync(new ListProjectsRequest());

        Assert.Equal(TeamProject().Spec, got.Spec);
        Assert.True(got.CreatedUnixMs > 0);
        Assert.Equal(["default", "team"], list.Projects.Select(p => p.Name));
        Assert.Equal("*/*", Assert.Single(list.Projects[0].Spec.AllowedKinds));
    }

    [Fact]
    public async Task CreateProject_ExistingWithoutUpsert_AlreadyExists()
    {
        await using var hub = await TestHub.StartAsync();
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = TeamProject() });

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = TeamProject() }).ResponseAsync);
        var replaced = await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = new Project { Name = "team" }, Upsert = true });

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Empty(replaced.Spec.SourceRepos);
    }

    [Theory]
    [InlineData("Bad_Name", "project.name")]
    [InlineData("default", "project default")]
    public async Task CreateProject_BadOrBuiltInName_Refused(string name, string expected)
    {
        await using var hub = await TestHub.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = new Project { Name = name } }).ResponseAsync);

        Assert.Contains(expected, error.Status.Detail);
    }

    [Fact]
    public async Task DeleteProject_UsedByApplication_FailedPreconditionThenDeletedOnceFree()
    {
        await using var hub = await TestHub.StartAsync();
        await AddRepositoriesAsync(hub);
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = TeamProject() });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = App("shop", "team", "team-a") });

        var inUse = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.DeleteProjectAsync(new DeleteProjectRequest { Name = "team" }).ResponseAsync);
        await hub.Fleet.DeleteApplicationAsync(new DeleteApplicationRequest { Name = "shop" });
        await hub.Fleet.DeleteProjectAsync(new DeleteProjectRequest { Name = "team" });
        var gone = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.GetProjectAsync(new GetProjectRequest { Name = "team" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, inUse.StatusCode);
        Assert.Contains("shop", inUse.Status.Detail);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task DeleteProject_Default_FailedPrecondition()
    {
        await using var hub = await TestHub.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.DeleteProjectAsync(new DeleteProjectRequest { Name = "default" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Theory]
    [InlineData("elsewhere", "team-a", "application.spec.source.repo", "source repositories")]
    [InlineData("shop", "kube-system", "application.spec.destination.namespace", "destination namespaces")]
    public async Task CreateApplication_OutsideProject_InvalidArgumentNamingFieldAndRule(string repo, string ns, string field, string rule)
    {
        await using var hub = await TestHub.StartAsync();
        await AddRepositoriesAsync(hub);
        await hub.Fleet.CreateProjectAsync(new CreateProjectRequest { Project = TeamProject() });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = App("shop", "team", ns, repo) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
        Assert.Contains(rule, error.Status.Detail);
        Assert.Contains("project team", error.Status.Detail);
    }

    [Fact]
    public async Task CreateApplication_UnknownProject_InvalidArgument()
    {
        await using var hub = await TestHub.StartAsync();
        await AddRepositoriesAsync(hub);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest { Application = App("shop", "nobody", "team-a") }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("application.spec.project", error.Status.Detail);
    }
}
