using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

public sealed class DirectoryRendererTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    private static List<(string Kind, string Name)> Objects(RenderedBundle bundle) =>
        bundle.ManifestsJson.Select(j => JsonNode.Parse(j)!).Select(n => ((string)n["kind"]!, (string)n["metadata"]!["name"]!)).ToList();

    [Fact]
    public async Task RenderAsync_MultiDocYamlJsonAndList_RendersAllObjectsInFileOrder()
    {
        _repo.CopyTestData("guestbook", "apps/guestbook").Commit();

        var bundle = await new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "apps/guestbook");

        Assert.Equal(
            [("ConfigMap", "guestbook-config"), ("Deployment", "guestbook"), ("Service", "guestbook"), ("ServiceAccount", "guestbook"), ("Role", "guestbook")],
            Objects(bundle));
        var deployment = JsonNode.Parse(bundle.ManifestsJson[1])!;
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal("1.0", (string)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!["value"]!);
        Assert.Matches("^[0-9a-f]{64}$", bundle.Hash);
    }

    [Fact]
    public async Task RenderAsync_SameContentTwoCommits_SameHash()
    {
        _repo.CopyTestData("guestbook", "apps").Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        var first = await sources.RenderAsync(_repo, "apps");

        _repo.Write("unrelated.txt", "x").Commit();
        var second = await sources.RenderAsync(_repo, "apps");

        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(2, sources.Renderer.RenderCount);
    }

    [Fact]
    public async Task RenderAsync_IncludeAndExclude_SelectFiles()
    {
        _repo.CopyTestData("guestbook", "apps")
            .Write("apps/tests/test-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: test}\n")
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var yamlOnly = await sources.RenderAsync(_repo, "apps", include: ["*.yaml"], exclude: ["tests/**"]);
        var jsonAndList = await sources.RenderAsync(_repo, "apps", include: ["{*.json,list.yml}"]);

        Assert.Equal([("Deployment", "guestbook"), ("Service", "guestbook")], Objects(yamlOnly));
        Assert.Equal([("ConfigMap", "guestbook-config"), ("ServiceAccount", "guestbook"), ("Role", "guestbook")], Objects(jsonAndList));
    }

    [Fact]
    public async Task RenderAsync_BrokenYaml_ErrorNamesTheFile()
    {
        _repo.CopyTestData("guestbook", "apps").Write("apps/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  data: [\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "apps"));

        Assert.StartsWith("apps/broken.yaml: invalid YAML at line", error.Message);
    }

    [Fact]
    public async Task RenderAsync_ObjectWithoutName_ErrorNamesFileAndDocument()
    {
        _repo.Write("apps/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "apps"));

        Assert.Equal("apps/a.yaml: document 2: object has no metadata.name; every object needs apiVersion, kind and metadata.name", error.Message);
    }

    [Fact]
    public async Task RenderAsync_SymlinkToEtcPasswd_IsRefusedWithoutLeakingContent()
    {
        _repo.CopyTestData("guestbook", "apps").Symlink("apps/passwd.yaml", "/etc/passwd").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "apps"));

        Assert.Contains("apps/passwd.yaml is a symbolic link", error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public async Task RenderAsync_PathThroughSymlinkedFolder_IsRefused()
    {
        _repo.CopyTestData("guestbook", "apps").Symlink("etc", "/etc").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "etc"));

        Assert.Contains("etc is a symbolic link", error.Message);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("apps/../../outside")]
    [InlineData("/etc")]
    public async Task RenderAsync_PathLeavingTheRepository_IsRefused(string path)
    {
        _repo.CopyTestData("guestbook", "apps").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, path));

        Assert.Matches("contains '..'|is absolute", error.Message);
    }

    [Fact]
    public async Task RenderAsync_MissingPath_ErrorNamesPathAndRepository()
    {
        _repo.CopyTestData("guestbook", "apps").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "nope"));

        Assert.StartsWith("path 'nope' not found (path 'nope' of repository test at ", error.Message);
    }

    [Fact]
    public async Task RenderAsync_OutputOverCap_FailsWithLimitError()
    {
        // Each file is under the cap; together they are not.
        for (var i = 0; i < 30; i++)
            _repo.Write($"apps/cm{i}.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\ndata: {{v: \"{new string('x', 1000)}\"}}\n");
        _repo.Commit();
        var sources = new TestSources(_repo.CacheDirectory, o => o.MaxOutputBytes = 20_000);

        var error = await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "apps"));

        Assert.Contains("exceed the 20,000-byte output limit", error.Message);
    }

    [Fact]
    public async Task RenderAsync_SingleFileOverCap_FailsBeforeParsing()
    {
        _repo.Write("apps/huge.yaml", "# " + new string('x', 100_000)).Commit();
        var sources = new TestSources(_repo.CacheDirectory, o => o.MaxOutputBytes = 50_000);

        var error = await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "apps"));

        Assert.Contains("apps/huge.yaml is 100,002 bytes, over the 50,000-byte output limit", error.Message);
    }

    [Fact]
    public async Task RenderAsync_FiftyMegabyteManifest_FailsFastOnTheDefaultCap()
    {
        _repo.Write("apps/huge.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata: {v: \"" + new string('x', 50 * 1024 * 1024) + "\"}\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "apps"));

        Assert.StartsWith("apps/huge.yaml is 52,428,868 bytes, over the 10,485,760-byte output limit", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {clock.Elapsed}");
    }

    [Fact]
    public async Task RenderAsync_TemplatedPath_RendersEachClustersOverlay()
    {
        _repo.Write("overlays/dev/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dev}\n")
            .Write("overlays/prod/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prod}\n")
            .Write("clusters/east-1/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: east}\n")
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var dev = await sources.RenderAsync(_repo, "overlays/{{cluster.labels.env}}", cluster: TestSources.Cluster("a", ("env", "dev")));
        var prod = await sources.RenderAsync(_repo, "overlays/{{ cluster.labels.env }}", cluster: TestSources.Cluster("b", ("env", "prod")));
        var byName = await sources.RenderAsync(_repo, "clusters/{{cluster.name}}", cluster: TestSources.Cluster("east-1"));

        Assert.Equal([("ConfigMap", "dev")], Objects(dev));
        Assert.Equal([("ConfigMap", "prod")], Objects(prod));
        Assert.Equal([("ConfigMap", "east")], Objects(byName));
    }

    [Fact]
    public async Task RenderAsync_TemplatedPathMissingLabel_ErrorNamesLabelAndCluster()
    {
        _repo.Write("overlays/dev/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dev}\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "overlays/{{cluster.labels.env}}", cluster: TestSources.Cluster("edge-7")));

        Assert.Equal("path 'overlays/{{cluster.labels.env}}' needs label 'env' but cluster 'edge-7' has no such label", error.Message);
    }

    [Fact]
    public async Task RenderAsync_LabelValueWithDotDot_IsRefused()
    {
        _repo.Write("overlays/dev/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dev}\n").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "overlays/{{cluster.labels.env}}", cluster: TestSources.Cluster("x", ("env", "../.."))));

        Assert.Contains("contains '..'", error.Message);
    }

    [Fact]
    public async Task RenderAsync_ThousandClustersSameParameters_RenderOnce()
    {
        _repo.CopyTestData("guestbook", "overlays/prod").Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        var commit = await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);

        var bundles = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => sources.Renderer.RenderAsync(
            TestSources.Request(_repo.Spec(), commit, "overlays/{{cluster.labels.env}}", cluster: TestSources.Cluster($"c{i}", ("env", "prod"), ("zone", $"z{i % 7}"))),
            CancellationToken.None)));

        Assert.Equal(1, sources.Renderer.RenderCount);
        Assert.Equal(999, sources.Renderer.CacheHitCount);
        Assert.Single(bundles.Select(b => b.Hash).Distinct());
    }

    [Fact]
    public async Task RenderAsync_BrokenCommitForManyClusters_FailsOnceAndRepeatsTheError()
    {
        _repo.Write("apps/bad.yaml", "apiVersion: v1\nkind: [\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory);
        var commit = await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);

        var errors = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var error = await Assert.ThrowsAsync<SourceException>(() =>
                sources.Renderer.RenderAsync(TestSources.Request(_repo.Spec(), commit, "apps", cluster: TestSources.Cluster($"c{i}")), CancellationToken.None));
            errors.Add(error.Message);
        }

        Assert.Equal(1, sources.Renderer.RenderCount);
        Assert.Single(errors.Distinct());
        Assert.StartsWith("apps/bad.yaml: invalid YAML", errors[0]);
    }

    [Fact]
    public async Task RenderAsync_FailureCacheOff_RendersAgain()
    {
        _repo.Write("apps/bad.yaml", "apiVersion: v1\nkind: [\n").Commit();
        var sources = new TestSources(_repo.CacheDirectory, o => o.FailedRenderRetryAfter = TimeSpan.Zero);

        await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "apps"));
        await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "apps"));

        Assert.Equal(2, sources.Renderer.RenderCount);
    }

    [Fact]
    public async Task RenderAsync_CacheBoundedByBytes_EvictsOldBundles()
    {
        _repo.CopyTestData("guestbook", "a").CopyTestData("guestbook", "b").Commit();
        var measure = new TestSources(_repo.CacheDirectory);
        await measure.RenderAsync(_repo, "a");
        var oneBundle = measure.Renderer.CacheBytes;
        var sources = new TestSources(_repo.CacheDirectory, o => o.RenderCacheBytes = oneBundle * 3 / 2);

        await sources.RenderAsync(_repo, "a");
        await sources.RenderAsync(_repo, "b");
        await sources.RenderAsync(_repo, "a");

        Assert.Equal(3, sources.Renderer.RenderCount);
        Assert.Equal(oneBundle, sources.Renderer.CacheBytes);
    }

    [Fact]
    public async Task RenderAsync_ShortCommit_IsRefused()
    {
        _repo.CopyTestData("guestbook", "apps").Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            sources.Renderer.RenderAsync(TestSources.Request(_repo.Spec(), "abc123", "apps"), CancellationToken.None));

        Assert.Contains("is not a full 40-character SHA", error.Message);
    }
}
