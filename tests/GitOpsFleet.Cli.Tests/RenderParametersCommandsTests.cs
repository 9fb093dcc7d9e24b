using System.Text.Json.Nodes;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using YamlDotNet.RepresentationModel;

namespace GitOpsFleet.Cli.Tests;

/// <summary>Helm and Jsonnet parameters on `app create` and `apply -f`, `repo add --webhook-secret`, and `app manifests`.</summary>
public sealed class RenderParametersCommandsTests : IAsyncLifetime
{
    private const string Rev = "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d";
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private string WriteFile(string content)
    {
        var path = Path.Combine(_hub.Root, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task AppCreate_HelmAndJsonnetFlags_SendParameters()
    {
        var result = await _hub.RunAsync("app", "create", "web", "--repo", "charts", "--path", "charts/web", "--renderer", "auto",
            "--release-name", "web-{{cluster.name}}", "--helm-values", "values.yaml", "--helm-values", "../common/{{cluster.labels.env}}.yaml",
            "--helm-set", "image.tag=1.2,3", "--helm-set", "replicas=3",
            "--jsonnet-ext-var", "region={{cluster.labels.region}}", "--jsonnet-tla", "size=small", "--jsonnet-lib", "vendor/lib");

        Assert.Equal(0, result.ExitCode);
        var source = Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests)).Application.Spec.Source;
        Assert.Equal("auto", source.Renderer);
        Assert.Equal("web-{{cluster.name}}", source.Helm.ReleaseName);
        Assert.Equal(["values.yaml", "../common/{{cluster.labels.env}}.yaml"], source.Helm.ValuesFiles);
        Assert.Equal(new Dictionary<string, string> { ["image.tag"] = "1.2,3", ["replicas"] = "3" }, source.Helm.Parameters);
        Assert.Equal(new Dictionary<string, string> { ["region"] = "{{cluster.labels.region}}" }, source.Jsonnet.ExtVars);
        Assert.Equal(new Dictionary<string, string> { ["size"] = "small" }, source.Jsonnet.Tlas);
        Assert.Equal(["vendor/lib"], source.Jsonnet.Libs);
    }

    [Fact]
    public async Task AppCreate_NoParameterFlags_SendsNoHelmOrJsonnet()
    {
        var result = await _hub.RunAsync("app", "create", "plain", "--repo", "apps");

        Assert.Equal(0, result.ExitCode);
        var source = Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests)).Application.Spec.Source;
        Assert.Null(source.Helm);
        Assert.Null(source.Jsonnet);
    }

    [Fact]
    public async Task AppCreate_HelmSetWithoutEquals_FailsNamingTheFlag()
    {
        var result = await _hub.RunAsync("app", "create", "web", "--repo", "charts", "--helm-set", "replicas");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--helm-set 'replicas' is not key=value", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }

    [Fact]
    public async Task Apply_HelmAndJsonnetSections_SendParameters()
    {
        var file = WriteFile("""
            apiVersion: gitopsfleet.io/v1alpha1
            kind: Application
            metadata: {name: web}
            spec:
              source:
                repo: charts
                path: charts/web
                renderer: helm
                helm:
                  releaseName: web
                  valueFiles: ["values-{{cluster.labels.env}}.yaml"]
                  values: |
                    replicas: 2
                  parameters: {image.tag: "1.2"}
                jsonnet:
                  extVars: {region: eu}
                  tlas: {size: small}
                  libs: [lib]
            """);

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.Equal(0, result.ExitCode);
        var source = Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests)).Application.Spec.Source;
        Assert.Equal("web", source.Helm.ReleaseName);
        Assert.Equal(["values-{{cluster.labels.env}}.yaml"], source.Helm.ValuesFiles);
        Assert.Equal("replicas: 2\n", source.Helm.Values);
        Assert.Equal("1.2", source.Helm.Parameters["image.tag"]);
        Assert.Equal("eu", source.Jsonnet.ExtVars["region"]);
        Assert.Equal("small", source.Jsonnet.Tlas["size"]);
        Assert.Equal(["lib"], source.Jsonnet.Libs);
    }

    [Fact]
    public async Task Apply_UnknownHelmField_FailsNamingIt()
    {
        var file = WriteFile("""
            apiVersion: gitopsfleet.io/v1alpha1
            kind: Application
            metadata: {name: web}
            spec:
              source: {repo: charts, renderer: helm, helm: {valuesFiles: [a.yaml]}}
            """);

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("valuesFiles", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }

    [Fact]
    public async Task RepoAdd_WebhookSecret_IsSent()
    {
        var result = await _hub.RunAsync("repo", "add", "apps", "https://git.example/apps.git", "--webhook-secret", "hook-secret");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hook-secret", Assert.IsType<AddRepositoryRequest>(Assert.Single(_hub.Service.Requests)).Repository.WebhookSecret);
        Assert.DoesNotContain("hook-secret", result.Stdout);
    }

    private void SetManifests(string error = "")
    {
        _hub.Service.Manifests = new ApplicationManifests { Revision = Rev, Cluster = "east", Error = error };
        _hub.Service.Manifests.ManifestsJson.Add("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"n":"3","flag":"true"}}""");
        _hub.Service.Manifests.ManifestsJson.Add("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"b"},"spec":{"replicas":3}}""");
    }

    [Fact]
    public async Task AppManifests_Default_PrintsMultiDocumentYamlThatKeepsTypes()
    {
        SetManifests();

        var result = await _hub.RunAsync("app", "manifests", "web", "--cluster", "east", "--revision", "v1");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<GetApplicationManifestsRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal(("web", "east", "v1"), (request.Name, request.Cluster, request.Revision));
        var stream = new YamlStream();
        stream.Load(new StringReader(result.Stdout));
        Assert.Equal(2, stream.Documents.Count);
        var configMap = (YamlMappingNode)stream.Documents[0].RootNode;
        var data = (YamlMappingNode)configMap["data"];
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)data["n"]).Style); // a string "3" stays a string
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)data["flag"]).Style);
        var replicas = (YamlScalarNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[1].RootNode)["spec"])["replicas"];
        Assert.Equal(("3", YamlDotNet.Core.ScalarStyle.Plain), (replicas.Value, replicas.Style)); // a number stays a number
        Assert.Contains($"at {Rev} for cluster east", result.Stdout);
    }

    [Fact]
    public async Task AppManifests_OutputJson_PrintsAList()
    {
        SetManifests();

        var result = await _hub.RunAsync("app", "manifests", "web", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        var list = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("List", (string)list["kind"]!);
        Assert.Equal(["a", "b"], list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
        Assert.Equal(3, (int)list["items"]![1]!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task AppManifests_RenderError_FailsWithTheMessage()
    {
        SetManifests(error: "helm not found on PATH; install helm 3 to use the helm renderer");

        var result = await _hub.RunAsync("app", "manifests", "web");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("helm not found on PATH", result.Stderr);
        Assert.Contains("application web did not render at 1a2b3c4", result.Stderr);
    }
}
