using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Rendering;

public sealed class HelmRendererTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    private static bool HelmOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "helm")));

    [Fact]
    public async Task RenderAsync_Chart_RendersWithHelmOrSaysHelmIsMissing()
    {
        _repo.Write("chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
            .Write("chart/values.yaml", "color: blue\n")
            .Write("chart/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  color: {{ .Values.color }}\n")
            .Commit();
        var sources = new TestSources(_repo.CacheDirectory);

        if (HelmOnPath())
        {
            var bundle = await sources.RenderAsync(_repo, "chart", "helm");
            Assert.Contains("\"name\":\"chart-cm\"", Assert.Single(bundle.ManifestsJson));
        }
        else
        {
            var error = await Assert.ThrowsAsync<SourceException>(() => sources.RenderAsync(_repo, "chart", "helm"));
            Assert.Equal("helm not found on PATH; install helm 3 to use the helm renderer", error.Message);
        }
    }

    [Fact]
    public async Task RenderAsync_UnknownRenderer_NamesTheChoices()
    {
        _repo.Write("a.yaml", "x: 1").Commit();

        var error = await Assert.ThrowsAsync<SourceException>(() => new TestSources(_repo.CacheDirectory).RenderAsync(_repo, "", "ksonnet"));

        Assert.Equal("renderer 'ksonnet' is unknown (repository test); use directory, kustomize, jsonnet, helm or auto", error.Message);
    }
}
