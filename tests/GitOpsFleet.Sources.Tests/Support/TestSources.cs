using GitOpsFleet.Sources.Git;
using GitOpsFleet.Sources.Rendering;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Sources.Tests.Support;

/// <summary>A Git cache and renderer over one test's cache folder.</summary>
internal sealed class TestSources
{
    public TestSources(string cacheDirectory, Action<SourcesOptions>? configure = null)
    {
        Options = new SourcesOptions { CacheDirectory = cacheDirectory };
        configure?.Invoke(Options);
        Options.Validate();
        Git = new GitRepositoryCache(Options, NullLogger<GitRepositoryCache>.Instance);
        Renderer = new ManifestRenderer(Git, Options, NullLogger<ManifestRenderer>.Instance);
    }

    public SourcesOptions Options { get; }

    public GitRepositoryCache Git { get; }

    public ManifestRenderer Renderer { get; }

    public static ClusterParameters Cluster(string name = "c1", params (string Key, string Value)[] labels) =>
        new(name, labels.ToDictionary(l => l.Key, l => l.Value));

    public static RenderRequest Request(RepositorySpec repo, string commit, string path = "", string renderer = "",
        IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null, ClusterParameters? cluster = null) =>
        new(repo, commit, path, renderer, include ?? [], exclude ?? [], cluster ?? Cluster());

    public async Task<RenderedBundle> RenderAsync(TestRepository repo, string path = "", string renderer = "",
        IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null, ClusterParameters? cluster = null)
    {
        var commit = await Git.ResolveRevisionAsync(repo.Spec(), "main", fetch: true, CancellationToken.None);
        return await Renderer.RenderAsync(Request(repo.Spec(), commit, path, renderer, include, exclude, cluster), CancellationToken.None);
    }
}
