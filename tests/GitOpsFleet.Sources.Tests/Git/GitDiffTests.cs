using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

public sealed class GitDiffTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task DiffAsync_AddModifyDeleteRename_ListsEachUnderThePathOnly()
    {
        var rename = string.Join('\n', Enumerable.Range(0, 40).Select(i => $"line{i}: value {i}"));
        var from = _repo.Write("web/deploy.yaml", "replicas: 1").Write("web/old.yaml", "x: 1").Write("web/move-me.yaml", rename)
            .Write("other/a.yaml", "a: 1").Commit("first");
        var to = _repo.Write("web/deploy.yaml", "replicas: 2").Delete("web/old.yaml").Write("web/new.yaml", "y: 1")
            .Delete("web/move-me.yaml").Write("web/moved.yaml", rename).Write("other/a.yaml", "a: 2").Commit("second");
        var git = new TestSources(_repo.CacheDirectory).Git;

        var changes = await git.DiffAsync(_repo.Spec(), from, to, "web", cluster: null, CancellationToken.None);

        Assert.Equal(["M web/deploy.yaml", "R web/move-me.yaml -> web/moved.yaml", "A web/new.yaml", "D web/old.yaml"],
            changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task DiffAsync_EmptyPath_ListsTheWholeRepository()
    {
        var from = _repo.Write("a.yaml", "a: 1").Commit("first");
        var to = _repo.Write("a.yaml", "a: 2").Write("sub/b.yaml", "b: 1").Commit("second");
        var git = new TestSources(_repo.CacheDirectory).Git;

        var changes = await git.DiffAsync(_repo.Spec(), from, to, "", cluster: null, CancellationToken.None);

        Assert.Equal(["M a.yaml", "A sub/b.yaml"], changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task DiffAsync_RenameAcrossThePathEdge_IsAnAddOrADelete()
    {
        var body = string.Join('\n', Enumerable.Range(0, 40).Select(i => $"line{i}: value {i}"));
        var from = _repo.Write("web/leaves.yaml", body).Write("staging/arrives.yaml", body + "\nother: true").Commit("first");
        _repo.Git("mv", "web/leaves.yaml", "staging/left.yaml");
        _repo.Git("mv", "staging/arrives.yaml", "web/arrived.yaml");
        var to = _repo.Commit("second");
        var git = new TestSources(_repo.CacheDirectory).Git;

        var changes = await git.DiffAsync(_repo.Spec(), from, to, "web", cluster: null, CancellationToken.None);

        Assert.Equal(["A web/arrived.yaml", "D web/leaves.yaml"], changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task DiffAsync_PathWithClusterPlaceholder_UsesTheClustersFolder()
    {
        var from = _repo.Write("clusters/c1/a.yaml", "a: 1").Write("clusters/c2/a.yaml", "a: 1").Commit("first");
        var to = _repo.Write("clusters/c1/a.yaml", "a: 2").Write("clusters/c2/a.yaml", "a: 3").Commit("second");
        var git = new TestSources(_repo.CacheDirectory).Git;

        var changes = await git.DiffAsync(_repo.Spec(), from, to, "clusters/{{cluster.name}}", TestSources.Cluster("c2"), CancellationToken.None);

        Assert.Equal(["M clusters/c2/a.yaml"], changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task DiffAsync_UnknownCommit_ThrowsNamingCommitAndRepository()
    {
        var from = _repo.Write("a.yaml", "a: 1").Commit("first");
        var git = new TestSources(_repo.CacheDirectory).Git;
        var missing = new string('1', 40);

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            git.DiffAsync(_repo.Spec("apps"), from, missing, "", cluster: null, CancellationToken.None));

        Assert.Equal($"commit '{missing}' not found in repository apps", error.Message);
    }
}
