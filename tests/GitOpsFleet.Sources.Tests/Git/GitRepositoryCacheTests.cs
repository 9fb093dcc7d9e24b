using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

public sealed class GitRepositoryCacheTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task ResolveRevisionAsync_BranchTagAndShortSha_ResolveToTheirCommits()
    {
        var first = _repo.Write("a.yaml", "x: 1").Commit("first");
        _repo.Git("tag", "v1.0.0");
        _repo.Git("tag", "-a", "v1.0.1", "-m", "annotated");
        _repo.Git("checkout", "-q", "-b", "feature");
        var second = _repo.Write("a.yaml", "x: 2").Commit("second");
        _repo.Git("checkout", "-q", "main");
        var git = new TestSources(_repo.CacheDirectory).Git;
        var spec = _repo.Spec();

        Assert.Equal(first, await git.ResolveRevisionAsync(spec, "main", fetch: true, CancellationToken.None));
        Assert.Equal(second, await git.ResolveRevisionAsync(spec, "feature", fetch: false, CancellationToken.None));
        Assert.Equal(second, await git.ResolveRevisionAsync(spec, "refs/heads/feature", fetch: false, CancellationToken.None));
        Assert.Equal(first, await git.ResolveRevisionAsync(spec, "v1.0.0", fetch: false, CancellationToken.None));
        Assert.Equal(first, await git.ResolveRevisionAsync(spec, "v1.0.1", fetch: false, CancellationToken.None));
        Assert.Equal(second, await git.ResolveRevisionAsync(spec, second[..8], fetch: false, CancellationToken.None));
        Assert.Equal(first, await git.ResolveRevisionAsync(spec, first, fetch: false, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveRevisionAsync_EmptyRevision_UsesRemoteHeadBranch()
    {
        using var repo = TestRepository.Create(defaultBranch: "trunk");
        var head = repo.Write("a.yaml", "x: 1").Commit();
        repo.Git("checkout", "-q", "-b", "main");
        repo.Write("a.yaml", "x: 2").Commit();
        repo.Git("checkout", "-q", "trunk");
        var git = new TestSources(repo.CacheDirectory).Git;

        Assert.Equal(head, await git.ResolveRevisionAsync(repo.Spec(), "", fetch: true, CancellationToken.None));
        Assert.Equal(head, await git.ResolveRevisionAsync(repo.Spec(), "HEAD", fetch: false, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveRevisionAsync_UnknownRevision_ThrowsNamingRevisionAndRepository()
    {
        _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;

        var error = await Assert.ThrowsAsync<SourceException>(() => git.ResolveRevisionAsync(_repo.Spec("apps"), "nope", fetch: true, CancellationToken.None));

        Assert.Equal("revision 'nope' not found in repository apps", error.Message);
    }

    [Theory]
    [InlineData("main~1")]
    [InlineData("main^")]
    [InlineData("a..b")]
    [InlineData("main@{1}")]
    public async Task ResolveRevisionAsync_RevParseExpression_IsRefused(string revision)
    {
        _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;

        var error = await Assert.ThrowsAsync<SourceException>(() => git.ResolveRevisionAsync(_repo.Spec(), revision, fetch: true, CancellationToken.None));

        Assert.Contains("not a valid branch, tag or commit name", error.Message);
    }

    [Fact]
    public async Task ResolveRevisionAsync_NewCommitAfterFetch_IsSeenOnlyWithFetch()
    {
        var first = _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;
        Assert.Equal(first, await git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None));

        var second = _repo.Write("a.yaml", "x: 2").Commit();

        Assert.Equal(first, await git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: false, CancellationToken.None));
        Assert.Equal(second, await git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveRevisionAsync_NewTagWithoutFetch_FetchesOnceAndFindsIt()
    {
        _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;
        await git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None);
        var tagged = _repo.Write("a.yaml", "x: 2").Commit();
        _repo.Git("tag", "v2");

        Assert.Equal(tagged, await git.ResolveRevisionAsync(_repo.Spec(), "v2", fetch: false, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveRevisionAsync_FileUrl_Works()
    {
        var head = _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;

        var sha = await git.ResolveRevisionAsync(new RepositorySpec("file", "file://" + _repo.WorkTree), "main", fetch: true, CancellationToken.None);

        Assert.Equal(head, sha);
    }

    [Fact]
    public async Task ResolveRevisionAsync_ConcurrentFetches_AllSucceed()
    {
        var head = _repo.Write("a.yaml", "x: 1").Commit();
        var git = new TestSources(_repo.CacheDirectory).Git;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: true, CancellationToken.None)));

        Assert.All(results, sha => Assert.Equal(head, sha));
    }

    [Fact]
    public async Task ResolveRevisionAsync_UnreachableHttpsWithPassword_ErrorHidesTheSecret()
    {
        var git = new TestSources(_repo.CacheDirectory).Git;
        var spec = new RepositorySpec("private", "http://alice:s3cr3t-in-url@127.0.0.1:1/repo.git", "alice", "t0ps3cr3t");

        var error = await Assert.ThrowsAsync<SourceException>(() => git.ResolveRevisionAsync(spec, "main", fetch: true, CancellationToken.None));

        Assert.Contains("repository private", error.Message);
        Assert.DoesNotContain("t0ps3cr3t", error.Message);
        Assert.DoesNotContain("s3cr3t-in-url", error.Message);
        Assert.False(Directory.Exists(_repo.CacheDirectory) && Directory.EnumerateDirectories(_repo.CacheDirectory).Any(),
            "a failed first fetch must not leave a cache folder behind");
    }

    [Fact]
    public async Task ResolveRevisionAsync_BrokenCacheFolder_IsClonedAgain()
    {
        var head = _repo.Write("a.yaml", "x: 1").Commit();
        var cacheFolder = GitOpsFleet.Sources.Git.RepositoryLocation.CacheFolder(_repo.CacheDirectory, _repo.WorkTree);
        Directory.CreateDirectory(cacheFolder);
        File.WriteAllText(Path.Combine(cacheFolder, "garbage"), "not a repository");
        var git = new TestSources(_repo.CacheDirectory).Git;

        Assert.Equal(head, await git.ResolveRevisionAsync(_repo.Spec(), "main", fetch: false, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(cacheFolder, "garbage")));
    }
}
