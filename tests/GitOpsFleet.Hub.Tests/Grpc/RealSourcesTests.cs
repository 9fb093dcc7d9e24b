using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Grpc;

/// <summary>The hub wired to the real Git cache and directory renderer, against a repository the test creates.</summary>
public sealed class RealSourcesTests
{
    private const string ConfigMapYaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          color: blue
        """;

    [Fact]
    public async Task CreateApplication_LocalRepository_AgentReceivesRenderedManifests()
    {
        using var repository = new LocalGitRepository();
        var commit = repository.Commit("first", ("app/configmap.yaml", ConfigMapYaml));
        await using var hub = await TestHub.StartAsync(realSources: true);
        var credential = await hub.RegisterClusterAsync("real-1");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "real-1");
        await agent.NextAsync();

        var app = await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "real",
                Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = repository.Path, Path = "app" } },
            },
        });
        var message = await agent.NextAsync();

        Assert.Equal("", app.Status.Error);
        Assert.Equal(commit, app.Status.Revision);
        Assert.Equal(HubMessage.BodyOneofCase.Desired, message.BodyCase);
        Assert.Equal(commit, message.Desired.Revision);
        var manifest = Assert.Single(BundleCodec.Decompress(message.Desired.CompressedBundle).Manifests);
        Assert.Contains("\"settings\"", manifest.Json);
        var repositories = await hub.Fleet.ListRepositoriesAsync(new ListRepositoriesRequest());
        Assert.Equal(repository.Path, Assert.Single(repositories.Repositories).Url);
    }

    [Fact]
    public async Task Poll_NewCommit_PushedWithoutAnyCall()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("first", ("app/configmap.yaml", ConfigMapYaml));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = "polled", Url = repository.Path, PollIntervalSeconds = 1 },
        });
        var credential = await hub.RegisterClusterAsync("polled-1");
        await using var agent = await FakeAgent.ConnectAsync(hub.Agents, credential, "polled-1");
        await agent.NextAsync();
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "polled-app",
                Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "polled", Path = "app", Revision = "main" } },
            },
        });
        var first = (await agent.NextAsync()).Desired;

        var second = repository.Commit("second", ("app/configmap.yaml", ConfigMapYaml.Replace("blue", "green")));
        var next = await agent.NextAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(second, next.Desired.Revision);
        Assert.Equal(first.Generation + 1, next.Desired.Generation);
        Assert.Contains("green", Assert.Single(BundleCodec.Decompress(next.Desired.CompressedBundle).Manifests).Json);
    }

    [Fact]
    public async Task CreateApplication_BrokenYaml_ErrorOnApplicationHubStaysUp()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("broken", ("app/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n"));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await hub.RegisterClusterAsync("broken-1");

        var app = await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "broken",
                Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = repository.Path, Path = "app" } },
            },
        });

        Assert.NotEqual("", app.Status.Error);
        Assert.Empty(app.Status.Targets);
        Assert.Single((await hub.Fleet.ListClustersAsync(new ListClustersRequest())).Clusters);
    }
}
