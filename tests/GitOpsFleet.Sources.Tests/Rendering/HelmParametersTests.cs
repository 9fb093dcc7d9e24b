using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

/// <summary>
/// What the helm renderer passes to helm, checked with a stand-in `helm` found through SourcesOptions.ToolSearchPath
/// (helm 3 is not installable here): it prints one ConfigMap listing its arguments and the values files it was given.
/// </summary>
public sealed class HelmParametersTests : IDisposable
{
    private const string FakeHelm = """
        #!/bin/sh
        printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  args: |\n' "$2"
        for a in "$@"; do printf '    %s\n' "$a"; done
        printf '  values: |\n'
        prev=""
        for a in "$@"; do
          if [ "$prev" = "--values" ]; then sed 's/^/    /' "$a"; fi
          prev="$a"
        done
        """;

    private readonly TestRepository _repo = TestRepository.Create();
    private readonly string _tools = Path.Combine(Path.GetTempPath(), "gitopsfleet-fake-tools", Guid.NewGuid().ToString("N"));

    public HelmParametersTests()
    {
        Directory.CreateDirectory(_tools);
        var helm = Path.Combine(_tools, "helm");
        File.WriteAllText(helm, FakeHelm.Replace("\r\n", "\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(helm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_tools, recursive: true);
    }

    private async Task<JsonNode> RenderAsync(RenderParameters parameters, ClusterParameters cluster)
    {
        var sources = new TestSources(_repo.CacheDirectory, o => o.ToolSearchPath = _tools);
        var commit = await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);
        var request = TestSources.Request(_repo.Spec(), commit, "charts/web", "helm", cluster: cluster) with { Parameters = parameters };
        var bundle = await sources.Renderer.RenderAsync(request, CancellationToken.None);
        return JsonNode.Parse(Assert.Single(bundle.ManifestsJson))!;
    }

    [Fact]
    public async Task RenderAsync_HelmParameters_ReleaseValuesFilesInlineValuesAndSetInOrder()
    {
        _repo.Write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
            .Write("charts/web/values-prod.yaml", "tier: prod\n")
            .Write("charts/common/values.yaml", "team: shop\n")
            .Commit();
        var parameters = new RenderParameters(
            HelmReleaseName: "web-{{cluster.name}}",
            HelmValuesFiles: ["../common/values.yaml", "values-{{cluster.labels.env}}.yaml"],
            HelmValues: "region: {{cluster.labels.region}}\n",
            HelmParameters: new Dictionary<string, string> { ["image.tag"] = "1.2,3" });

        var configMap = await RenderAsync(parameters, TestSources.Cluster("eu-1", ("env", "prod"), ("region", "eu")));

        Assert.Equal("web-eu-1", (string)configMap["metadata"]!["name"]!);
        var args = ((string)configMap["data"]!["args"]!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["template", "web-eu-1"], args[..2]);
        Assert.EndsWith("charts/web", args[2]);
        Assert.Contains("--include-crds", args);
        Assert.Equal(["--set", "image.tag=1.2\\,3"], args[^2..]);
        Assert.Equal("team: shop\ntier: prod\nregion: eu\n", (string)configMap["data"]!["values"]!); // files in order, then inline
    }

    [Fact]
    public async Task RenderAsync_MissingValuesFile_NamesIt()
    {
        _repo.Write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            RenderAsync(new RenderParameters(HelmValuesFiles: ["values-staging.yaml"]), TestSources.Cluster()));

        Assert.StartsWith("helm values file 'charts/web/values-staging.yaml' not found (path 'charts/web' of repository test at ", error.Message);
    }

    [Fact]
    public async Task RenderAsync_ValuesFileThatIsASymlinkOutsideTheRepository_LeaksNothing()
    {
        _repo.Write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
            .Symlink("charts/web/values-evil.yaml", "/etc/passwd")
            .Commit();

        var error = await Record.ExceptionAsync(() =>
            RenderAsync(new RenderParameters(HelmValuesFiles: ["values-evil.yaml"]), TestSources.Cluster()));

        var message = Assert.IsType<SourceException>(error).Message;
        Assert.DoesNotContain("root:", message);
    }
}
