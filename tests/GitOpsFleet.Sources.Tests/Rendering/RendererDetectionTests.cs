using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

public sealed class RendererDetectionTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task RenderAsync_Auto_PicksTheRendererFromThePathContents()
    {
        _repo.Write("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n")
            .Write("kust/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kust}\n")
            .Write("kust/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: k-\n")
            .Write("jn/main.jsonnet", "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'jn-' + std.extVar('clusterName') } }")
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        var plain = await sources.RenderAsync(_repo, "plain", "auto");
        var kustomized = await sources.RenderAsync(_repo, "kust", "auto");
        var jsonnet = await sources.RenderAsync(_repo, "jn", "auto", cluster: TestSources.Cluster("east"));

        Assert.Contains("\"name\":\"plain\"", Assert.Single(plain.ManifestsJson));
        Assert.Contains("\"name\":\"k-kust\"", Assert.Single(kustomized.ManifestsJson));
        Assert.Contains("\"name\":\"jn-east\"", Assert.Single(jsonnet.ManifestsJson));
    }
}
