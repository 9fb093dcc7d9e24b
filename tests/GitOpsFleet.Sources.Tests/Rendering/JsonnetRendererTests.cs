using System.Diagnostics;
using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

/// <summary>Jsonnet through the <c>jsonnet</c> CLI (.ci/run installs Debian's jsonnet).</summary>
public sealed class JsonnetRendererTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task RenderAsync_ClusterExtVarAndLibrary_RendersPerCluster()
    {
        _repo.Write("lib/cm.libsonnet", "{ configMap(name, data):: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name }, data: data } }")
            .Write("app/main.jsonnet", """
                local k = import 'lib/cm.libsonnet';
                local cluster = std.extVar('cluster');
                {
                  settings: k.configMap('settings-' + cluster.name, { env: cluster.labels.env }),
                  extra: [k.configMap('extra', {})],
                }
                """)
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var a = await sources.RenderAsync(_repo, "app", "jsonnet", cluster: TestSources.Cluster("a", ("env", "dev")));
        var b = await sources.RenderAsync(_repo, "app", "jsonnet", cluster: TestSources.Cluster("b", ("env", "prod")));
        var aAgain = await sources.RenderAsync(_repo, "app", "jsonnet", cluster: TestSources.Cluster("a", ("env", "dev")));

        var objects = a.ManifestsJson.Select(j => JsonNode.Parse(j)!).ToList();
        Assert.Equal(["extra", "settings-a"], objects.Select(o => (string)o["metadata"]!["name"]!));
        Assert.Equal("dev", (string)objects[1]["data"]!["env"]!);
        Assert.Contains("\"env\":\"prod\"", b.ManifestsJson[1]);
        Assert.Equal(a.Hash, aAgain.Hash);
        Assert.Equal(2, sources.Renderer.RenderCount); // the cluster is a parameter: one render per distinct cluster
    }

    [Theory]
    [InlineData("importstr '/etc/passwd'")]
    [InlineData("importstr '../../../../../../etc/passwd'")]
    [InlineData("import @'../../../../../../etc/x.libsonnet'")]
    public async Task RenderAsync_ImportOutsideRepository_IsRefused(string expression)
    {
        _repo.Write("app/main.jsonnet", $"{{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {{ name: 'x' }}, data: {{ v: {expression} }} }}").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "jsonnet"));

        Assert.Contains("app/main.jsonnet: import '", error.Message);
        Assert.Contains("points outside the repository", error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public async Task RenderAsync_ImportWordInCommentsAndStrings_IsIgnored()
    {
        _repo.Write("app/main.jsonnet", "// import '/etc/passwd'\n{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { v: \"importstr '/etc'\" } }").Commit();

        var bundle = await new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "jsonnet");

        Assert.Single(bundle.ManifestsJson);
    }

    [Fact]
    public async Task RenderAsync_ErrorInProgram_ReportsJsonnetMessage()
    {
        _repo.Write("app/main.jsonnet", "{ a: error 'values.replicas must be set' }").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "app", "jsonnet"));

        Assert.StartsWith("jsonnet failed for path 'app' of repository test at ", error.Message);
        Assert.Contains("values.replicas must be set", error.Message);
    }

    [Fact]
    public async Task RenderAsync_ProgramThatNeverEnds_TimesOutAndOtherRendersKeepGoing()
    {
        _repo.Write("slow/main.jsonnet", "local loop(n) = if n == 0 then 0 else loop(n - 1) tailstrict; loop(1e15)")
            .Write("fast/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fast}\n")
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory, o =>
        {
            o.RenderTimeout = TimeSpan.FromSeconds(5);
            o.MaxConcurrentRenders = 2;
        });
        var commit = await sources.Git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        var slow = sources.Renderer.RenderAsync(TestSources.Request(_repo.Spec(), commit, "slow", "jsonnet"), CancellationToken.None);
        var fast = await sources.Renderer.RenderAsync(TestSources.Request(_repo.Spec(), commit, "fast"), CancellationToken.None);
        var fastDone = clock.Elapsed;
        var error = await Assert.ThrowsAsync<SourceException>(() => slow);

        Assert.Single(fast.ManifestsJson);
        Assert.False(slow.IsCompletedSuccessfully);
        Assert.True(fastDone < TimeSpan.FromSeconds(5), $"the fast render waited {fastDone} behind the slow one");
        Assert.Equal("render of path 'slow' of repository test (jsonnet) timed out after 5 s", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
    }
}
