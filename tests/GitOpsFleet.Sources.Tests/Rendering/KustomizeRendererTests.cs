using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

/// <summary>Kustomize through <c>kustomize build</c> or <c>kubectl kustomize</c> (kubectl is on every machine of this project).</summary>
public sealed class KustomizeRendererTests : IDisposable
{
    private const string Base = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n";
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    private TestRepository WithOverlays() => _repo
        .Write("base/cm.yaml", Base)
        .Write("base/kustomization.yaml", "resources:\n- cm.yaml\n")
        .Write("overlays/dev/kustomization.yaml", "resources:\n- ../../base\nnamePrefix: dev-\n")
        .Write("overlays/prod/kustomization.yaml", "resources:\n- ../../base\nnamePrefix: prod-\ncommonLabels: {tier: prod}\n");

    [Fact]
    public async Task RenderAsync_OverlayPerClusterLabel_RendersThatOverlay()
    {
        WithOverlays().Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var dev = await sources.RenderAsync(_repo, "overlays/{{cluster.labels.env}}", "kustomize", cluster: TestSources.Cluster("a", ("env", "dev")));
        var prod = await sources.RenderAsync(_repo, "overlays/{{cluster.labels.env}}", "kustomize", cluster: TestSources.Cluster("b", ("env", "prod")));

        Assert.Equal("dev-settings", (string)JsonNode.Parse(Assert.Single(dev.ManifestsJson))!["metadata"]!["name"]!);
        var prodObject = JsonNode.Parse(Assert.Single(prod.ManifestsJson))!;
        Assert.Equal("prod-settings", (string)prodObject["metadata"]!["name"]!);
        Assert.Equal("prod", (string)prodObject["metadata"]!["labels"]!["tier"]!);
    }

    [Fact]
    public async Task RenderAsync_ResourceOutsideRepository_IsRefused()
    {
        _repo.Write("app/kustomization.yaml", "resources:\n- ../../../../../etc\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.Contains("app/kustomization.yaml: resources entry '../../../../../etc' points outside the repository", error.Message);
    }

    [Fact]
    public async Task RenderAsync_GeneratorFileOutsideRepository_IsRefused()
    {
        _repo.Write("app/kustomization.yaml", "configMapGenerator:\n- name: leak\n  files:\n  - passwd=../../../../etc/passwd\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.Contains("configMapGenerator.files entry '../../../../etc/passwd' points outside the repository", error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public async Task RenderAsync_SymlinkToEtcPasswd_IsRefusedWithoutLeakingContent()
    {
        _repo.Write("app/kustomization.yaml", "configMapGenerator:\n- name: leak\n  files:\n  - passwd\n").Symlink("app/passwd", "/etc/passwd").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.Contains("app/passwd is a symbolic link that points outside the repository", error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public async Task RenderAsync_SymlinkInsideRepository_IsCopied()
    {
        _repo.Write("shared/cm.yaml", Base).Write("app/kustomization.yaml", "resources:\n- cm.yaml\n").Symlink("app/cm.yaml", "../shared/cm.yaml").Commit();

        var bundle = await new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize");

        Assert.Contains("\"name\":\"settings\"", Assert.Single(bundle.ManifestsJson));
    }

    [Fact]
    public async Task RenderAsync_SymlinkEscapingThroughAnotherLink_IsRefused()
    {
        // "d" points at the root; "d/../etc/passwd" looks inside lexically but is outside once "d" is followed.
        _repo.Write("app/kustomization.yaml", "resources:\n- leak.yaml\n").Symlink("app/d", "..").Symlink("app/leak.yaml", "d/../../etc/passwd").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.Contains("app/leak.yaml is a symbolic link that points outside the repository", error.Message);
    }

    [Fact]
    public async Task RenderAsync_KustomizationIncludingItself_FailsWithToolMessage()
    {
        _repo.Write("app/cm.yaml", Base).Write("app/kustomization.yaml", "resources:\n- cm.yaml\n- .\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.Matches("^(kubectl|kustomize) failed for path 'app' of repository test at [0-9a-f]{7} \\(exit code \\d+\\): .*cycle detected", error.Message);
        Assert.DoesNotContain(Path.GetTempPath() + "gitopsfleet-render", error.Message);
    }

    [Fact]
    public async Task RenderAsync_NoKustomization_SaysSo()
    {
        _repo.Write("app/cm.yaml", Base).Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "kustomize"));

        Assert.StartsWith("path 'app' has no kustomization.yaml", error.Message);
    }

    [Fact]
    public async Task RenderAsync_OutputOverCap_Fails()
    {
        var big = new string('x', 40_000);
        _repo.Write("app/kustomization.yaml", $"configMapGenerator:\n- name: big\n  literals:\n  - a={big}\n  - b={big}\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory, o => o.MaxOutputBytes = 50_000);

        var error = await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "app", "kustomize"));

        Assert.Contains("exceeds the 50,000-byte output limit", error.Message);
    }
}
