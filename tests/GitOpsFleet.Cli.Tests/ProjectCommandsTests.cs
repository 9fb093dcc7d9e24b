using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class ProjectCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task ProjectCreate_AllFlags_SendsSpec()
    {
        var result = await _hub.RunAsync("project", "create", "team", "--source-repo", "https://git.example/team/*",
            "--destination-namespace", "team-*", "--destination-namespace", "shared", "--destination-selector", "env=prod",
            "--allow-kind", "rbac.authorization.k8s.io/ClusterRole", "--deny-kind", "/Secret", "--upsert");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("project/team configured", result.Stdout.Trim());
        var request = Assert.IsType<CreateProjectRequest>(Assert.Single(_hub.Service.Requests));
        var spec = request.Project.Spec;
        Assert.True(request.Upsert);
        Assert.Equal(["https://git.example/team/*"], spec.SourceRepos);
        Assert.Equal(["team-*", "shared"], spec.Destinations.Select(d => d.Namespace));
        Assert.All(spec.Destinations, d => Assert.Equal("prod", d.ClusterSelector["env"]));
        Assert.Equal(["rbac.authorization.k8s.io/ClusterRole"], spec.AllowedKinds);
        Assert.Equal(["/Secret"], spec.DeniedKinds);
    }

    [Fact]
    public async Task ProjectList_Table_ShowsDefault()
    {
        var result = await _hub.RunAsync("project", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("default", result.Stdout);
        Assert.Contains("*/*", result.Stdout);
    }

    [Fact]
    public async Task Apply_ProjectThenApplication_SendsProjectFirst()
    {
        var path = Path.Combine(_hub.Root, "project.yaml");
        await File.WriteAllTextAsync(path, """
            apiVersion: gitopsfleet.io/v1alpha1
            kind: Application
            metadata: {name: shop, project: team}
            spec:
              source: {repo: apps, path: shop}
              destination: {namespace: team-web}
            ---
            apiVersion: gitopsfleet.io/v1alpha1
            kind: Project
            metadata: {name: team}
            spec:
              sourceRepos: [apps]
              destinations:
              - {namespace: "team-*", clusterSelector: {env: prod}}
              allowedKinds: [apps/Deployment, /ConfigMap]
              deniedKinds: [/Secret]
            """);

        var result = await _hub.RunAsync("apply", "-f", path);

        Assert.Equal(0, result.ExitCode);
        var requests = _hub.Service.Requests.ToList();
        var project = Assert.IsType<CreateProjectRequest>(requests[0]).Project;
        Assert.Equal(("team", "team-*", "prod"), (project.Name, project.Spec.Destinations[0].Namespace, project.Spec.Destinations[0].ClusterSelector["env"]));
        Assert.Equal(["apps/Deployment", "/ConfigMap"], project.Spec.AllowedKinds);
        Assert.Equal(["/Secret"], project.Spec.DeniedKinds);
        Assert.IsType<CreateApplicationRequest>(requests[1]);
    }

    [Fact]
    public async Task Apply_ProjectUnknownField_NamesField()
    {
        var path = Path.Combine(_hub.Root, "bad.yaml");
        await File.WriteAllTextAsync(path, """
            apiVersion: gitopsfleet.io/v1alpha1
            kind: Project
            metadata: {name: team}
            spec:
              sourceRepo: [apps]
            """);

        var result = await _hub.RunAsync("apply", "-f", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown field spec.sourceRepo", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }
}
