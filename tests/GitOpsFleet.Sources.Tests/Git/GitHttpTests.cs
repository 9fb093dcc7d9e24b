using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

/// <summary>Fetches over Git smart HTTP with basic authentication from a real server on loopback.</summary>
public sealed class GitHttpTests : IDisposable
{
    private const string Password = "pa55-w0rd-secret";
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task ResolveRevisionAsync_HttpWithCredentials_Fetches()
    {
        var head = _repo.Write("a.yaml", "x: 1").Commit();
        await using var server = await GitHttpServer.StartAsync(_repo.Root, "alice", Password);
        var git = new TestSources(_repo.CacheDirectory).Git;

        var sha = await git.ResolveRevisionAsync(new RepositorySpec("private", $"{server.Address}/work/.git", "alice", Password), "main", fetch: true, CancellationToken.None);

        Assert.Equal(head, sha);
    }

    [Fact]
    public async Task ResolveRevisionAsync_TokenOnly_IsSentWithAPlaceholderUser()
    {
        var head = _repo.Write("a.yaml", "x: 1").Commit();
        await using var server = await GitHttpServer.StartAsync(_repo.Root, "git", Password);
        var git = new TestSources(_repo.CacheDirectory).Git;

        var sha = await git.ResolveRevisionAsync(new RepositorySpec("token", $"{server.Address}/work/.git", null, Password), "main", fetch: true, CancellationToken.None);

        Assert.Equal(head, sha);
    }

    [Fact]
    public async Task ResolveRevisionAsync_WrongPassword_FailsWithoutShowingIt()
    {
        _repo.Write("a.yaml", "x: 1").Commit();
        await using var server = await GitHttpServer.StartAsync(_repo.Root, "alice", Password);
        var git = new TestSources(_repo.CacheDirectory).Git;
        var wrong = "wrong-" + Password;

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            git.ResolveRevisionAsync(new RepositorySpec("private", $"{server.Address}/work/.git", "alice", wrong), "main", fetch: true, CancellationToken.None));

        Assert.StartsWith("fetch of repository private (http://127.0.0.1:", error.Message);
        Assert.Contains("auth", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong, error.Message);
        Assert.DoesNotContain(Password, error.Message);
    }
}
