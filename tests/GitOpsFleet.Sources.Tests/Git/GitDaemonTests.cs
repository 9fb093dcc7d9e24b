using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

/// <summary>Fetches over the git:// protocol from a real <c>git daemon</c> on loopback.</summary>
public sealed class GitDaemonTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task ResolveRevisionAsync_GitDaemonUrl_FetchesNewCommits()
    {
        var first = _repo.Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").Commit();
        await using var daemon = await GitDaemon.StartAsync(_repo.WorkTree);
        var spec = new RepositorySpec("remote", daemon.UrlFor("work"));
        var sources = new TestSources(_repo.CacheDirectory);

        Assert.Equal(first, await sources.Git.ResolveRevisionAsync(spec, "", fetch: true, CancellationToken.None));
        var second = _repo.Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n").Commit();
        Assert.Equal(second, await sources.Git.ResolveRevisionAsync(spec, "main", fetch: true, CancellationToken.None));

        var bundle = await sources.Renderer.RenderAsync(TestSources.Request(spec, second, "app"), CancellationToken.None);
        Assert.Contains("\"name\":\"b\"", Assert.Single(bundle.ManifestsJson));
    }
}
