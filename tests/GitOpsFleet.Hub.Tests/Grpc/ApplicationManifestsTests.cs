using System.Text.Json.Nodes;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Grpc;

/// <summary>GetApplicationManifests and renderer parameters through the hub, with the real Git cache and renderers.</summary>
public sealed class ApplicationManifestsTests
{
    private static string ConfigMap(string name, string color) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  color: {color}\n";

    private static Task<Application> CreateAsync(TestHub hub, string name, ApplicationSource source) =>
        hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application { Name = name, Spec = new ApplicationSpec { Source = source } },
        }).ResponseAsync;

    private static IEnumerable<string> Names(ApplicationManifests manifests) =>
        manifests.ManifestsJson.Select(j => (string)JsonNode.Parse(j)!["metadata"]!["name"]!);

    [Fact]
    public async Task GetApplicationManifests_ClusterAndRevision_RendersThatClusterAtThatRevision()
    {
        using var repository = new LocalGitRepository();
        var first = repository.Commit("first", ("app/dev/cm.yaml", ConfigMap("dev-settings", "blue")), ("app/prod/cm.yaml", ConfigMap("prod-settings", "blue")));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await hub.RegisterClusterAsync("dev-1", ("env", "dev"));
        await hub.RegisterClusterAsync("prod-1", ("env", "prod"));
        await CreateAsync(hub, "shop", new ApplicationSource { Repo = repository.Path, Path = "app/{{cluster.labels.env}}", Revision = "main" });
        var second = repository.Commit("second", ("app/prod/cm.yaml", ConfigMap("prod-settings-v2", "green")));

        var current = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "shop", Cluster = "prod-1" });
        var newest = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "shop", Cluster = "prod-1", Revision = "main" });
        var dev = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "shop", Cluster = "dev-1", Revision = first[..10] });

        Assert.Equal((first, "prod-1", ""), (current.Revision, current.Cluster, current.Error));
        Assert.Equal(["prod-settings"], Names(current));
        Assert.Equal(second, newest.Revision);
        Assert.Equal(["prod-settings-v2"], Names(newest));
        Assert.Equal(first, dev.Revision);
        Assert.Equal(["dev-settings"], Names(dev));
        var app = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "shop" });
        Assert.Equal(first, app.Status.Revision); // looking at another revision does not move the application
    }

    [Fact]
    public async Task GetApplicationManifests_UnknownApplicationOrCluster_NotFound()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("first", ("app/cm.yaml", ConfigMap("settings", "blue")));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await CreateAsync(hub, "shop", new ApplicationSource { Repo = repository.Path, Path = "app" });

        var noApp = await Assert.ThrowsAsync<RpcException>(() => hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "nope" }).ResponseAsync);
        var noCluster = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "shop", Cluster = "ghost" }).ResponseAsync);
        var noTargets = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "shop" });

        Assert.Equal(StatusCode.NotFound, noApp.StatusCode);
        Assert.Equal(StatusCode.NotFound, noCluster.StatusCode);
        Assert.Contains("cluster ghost", noCluster.Status.Detail);
        Assert.Equal(["settings"], Names(noTargets)); // no target yet: rendered for no cluster
    }

    [Fact]
    public async Task CreateApplication_JsonnetParameters_ReachTheRendererPerCluster()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("first",
            ("lib/cm.libsonnet", "{ cm(name, data):: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name }, data: data } }"),
            ("app/main.jsonnet", "local k = import 'cm.libsonnet';\nfunction(size) k.cm('settings', { region: std.extVar('region'), size: size })\n"));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await hub.RegisterClusterAsync("eu-1", ("region", "eu"));
        var source = new ApplicationSource { Repo = repository.Path, Path = "app", Renderer = "auto", Jsonnet = new JsonnetSource() };
        source.Jsonnet.ExtVars["region"] = "{{cluster.labels.region}}";
        source.Jsonnet.Tlas["size"] = "small";
        source.Jsonnet.Libs.Add("lib");

        var created = await CreateAsync(hub, "jn", source);
        var manifests = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "jn", Cluster = "eu-1" });

        Assert.Equal("", created.Status.Error);
        Assert.Equal("{{cluster.labels.region}}", created.Spec.Source.Jsonnet.ExtVars["region"]);
        Assert.Equal(["lib"], created.Spec.Source.Jsonnet.Libs);
        Assert.Equal("", manifests.Error);
        var data = JsonNode.Parse(Assert.Single(manifests.ManifestsJson))!["data"]!;
        Assert.Equal(("eu", "small"), ((string)data["region"]!, (string)data["size"]!));
    }

    [Fact]
    public async Task CreateApplication_HelmValuesFileOutsideRepository_InvalidArgument()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        var source = new ApplicationSource { Repo = "/nowhere/repo", Path = "chart", Renderer = "helm", Helm = new HelmSource() };
        source.Helm.ValuesFiles.Add("/etc/passwd");

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(hub, "bad", source));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("application.spec.source.helm.values_files", error.Status.Detail);
    }

    [Fact]
    public async Task GetApplicationManifests_RenderFails_AnswersTheErrorNotAnException()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("first", ("app/main.jsonnet", "{ a: error 'values.replicas must be set' }"));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await CreateAsync(hub, "broken", new ApplicationSource { Repo = repository.Path, Path = "app", Renderer = "jsonnet" });

        var manifests = await hub.Fleet.GetApplicationManifestsAsync(new GetApplicationManifestsRequest { Name = "broken" });

        Assert.Empty(manifests.ManifestsJson);
        Assert.Contains("values.replicas must be set", manifests.Error);
    }
}
