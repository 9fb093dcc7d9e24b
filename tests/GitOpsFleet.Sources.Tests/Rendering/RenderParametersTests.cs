using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

/// <summary>Helm and Jsonnet parameters: substitution per cluster, path checks, and the render cache key.</summary>
public sealed class RenderParametersTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    private async Task<RenderedBundle> RenderAsync(TestSources sources, string path, string renderer, RenderParameters parameters, ClusterParameters cluster)
    {
        var commit = await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);
        var request = TestSources.Request(_repo.Spec(), commit, path, renderer, cluster: cluster) with { Parameters = parameters };
        return await sources.Renderer.RenderAsync(request, CancellationToken.None);
    }

    [Fact]
    public async Task RenderAsync_JsonnetExtVarsTlasAndLibrary_PassesSubstitutedValues()
    {
        _repo.Write("libs/shared/cm.libsonnet", "{ cm(name, data):: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name }, data: data } }")
            .Write("app/main.jsonnet", """
                local k = import 'cm.libsonnet';
                function(replicas='1') k.cm('settings', { region: std.extVar('region'), replicas: replicas })
                """)
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        var parameters = new RenderParameters(
            JsonnetExtVars: new Dictionary<string, string> { ["region"] = "{{cluster.labels.region}}" },
            JsonnetTlas: new Dictionary<string, string> { ["replicas"] = "3" },
            JsonnetLibraries: ["libs/shared"]);

        var bundle = await RenderAsync(sources, "app", "jsonnet", parameters, TestSources.Cluster("a", ("region", "eu")));

        var data = JsonNode.Parse(Assert.Single(bundle.ManifestsJson))!["data"]!;
        Assert.Equal("eu", (string)data["region"]!);
        Assert.Equal("3", (string)data["replicas"]!);
    }

    [Fact]
    public async Task RenderAsync_SameResolvedHelmParameters_SharesOneCacheEntry()
    {
        // Directory renders ignore Helm parameters, but the key still holds them: two clusters in one region share a key.
        _repo.Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        var parameters = new RenderParameters(HelmParameters: new Dictionary<string, string> { ["region"] = "{{cluster.labels.region}}" });

        await RenderAsync(sources, "app", "directory", parameters, TestSources.Cluster("a", ("region", "eu")));
        await RenderAsync(sources, "app", "directory", parameters, TestSources.Cluster("b", ("region", "eu")));
        await RenderAsync(sources, "app", "directory", parameters, TestSources.Cluster("c", ("region", "us")));

        Assert.Equal(2, sources.Renderer.RenderCount);
    }

    [Theory]
    [InlineData("../../../etc/passwd", "leaves the repository")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("https://example.com/values.yaml", "is a URL")]
    public async Task RenderAsync_HelmValuesFileOutsideRepository_IsRefusedBeforeAnyToolRuns(string file, string expected)
    {
        _repo.Write("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            RenderAsync(sources, "charts/app", "helm", new RenderParameters(HelmValuesFiles: [file]), TestSources.Cluster()));

        Assert.Contains($"helm values file '{file}'", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public async Task RenderAsync_MissingLabelInParameter_NamesTheLabelAndCluster()
    {
        _repo.Write("app/main.jsonnet", "{}").Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var error = await Assert.ThrowsAsync<SourceException>(() => RenderAsync(sources, "app", "jsonnet",
            new RenderParameters(JsonnetExtVars: new Dictionary<string, string> { ["env"] = "{{cluster.labels.env}}" }), TestSources.Cluster("edge-1")));

        Assert.Contains("label 'env'", error.Message);
        Assert.Contains("cluster 'edge-1'", error.Message);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("clusterName")]
    public async Task RenderAsync_ReservedJsonnetExtVar_IsRefused(string name)
    {
        _repo.Write("app/main.jsonnet", "{}").Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var error = await Assert.ThrowsAsync<SourceException>(() => RenderAsync(sources, "app", "jsonnet",
            new RenderParameters(JsonnetExtVars: new Dictionary<string, string> { [name] = "x" }), TestSources.Cluster()));

        Assert.Contains($"jsonnet ext var '{name}'", error.Message);
    }

    [Fact]
    public async Task RenderAsync_InvalidHelmReleaseName_IsRefused()
    {
        _repo.Write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var error = await Assert.ThrowsAsync<SourceException>(() => RenderAsync(sources, "chart", "helm",
            new RenderParameters(HelmReleaseName: "Bad_Name"), TestSources.Cluster()));

        Assert.Contains("helm release name 'Bad_Name'", error.Message);
    }

    [Fact]
    public void InsideRepository_ValuesFileBesideChart_StaysInside()
    {
        Assert.Equal("charts/common/values.yaml", Sources.Rendering.ResolvedParameters.InsideRepository("charts/app", "../common/values.yaml", "f", "r"));
        Assert.Equal("charts/app/values-prod.yaml", Sources.Rendering.ResolvedParameters.InsideRepository("charts/app", "./values-prod.yaml", "f", "r"));
    }
}
