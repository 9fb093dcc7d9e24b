using GitOpsFleet.Sources.Git;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

public sealed class SemanticVersionRangeTests
{
    private static readonly RepositorySpec Repo = new("r", "/nowhere");

    [Theory]
    [InlineData(">=1.2 <2", "1.2.0", true)]
    [InlineData(">=1.2 <2", "1.9.9", true)]
    [InlineData(">=1.2 <2", "2.0.0", false)]
    [InlineData(">=1.2 <2", "1.1.9", false)]
    [InlineData("~1.2", "1.2.7", true)]
    [InlineData("~1.2", "1.3.0", false)]
    [InlineData("^1.2", "1.9.0", true)]
    [InlineData("^1.2", "2.0.0", false)]
    [InlineData("^0.2.3", "0.2.9", true)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("1.x", "1.4.2", true)]
    [InlineData("1.x", "2.0.0", false)]
    [InlineData("1.2.*", "1.2.5", true)]
    [InlineData("*", "7.0.0", true)]
    [InlineData("<1 || >=3", "3.1.0", true)]
    [InlineData("<1 || >=3", "2.0.0", false)]
    [InlineData(">=1.0.0", "1.1.0-rc.1", false)]
    [InlineData(">=1.1.0-rc.0", "1.1.0-rc.1", true)]
    [InlineData(">1.2", "1.2.9", false)]
    [InlineData(">1.2", "1.3.0", true)]
    public void Matches_Table(string range, string version, bool expected)
    {
        Assert.True(SemanticVersion.TryParse(version, out var v));

        Assert.Equal(expected, SemanticVersionRange.Parse(range, Repo).Matches(v));
    }

    [Fact]
    public void Parse_CommaSeparated_IsRefusedWithTheTerm()
    {
        var error = Assert.Throws<SourceException>(() => SemanticVersionRange.Parse(">= 1.2, < 2", Repo));

        Assert.Equal("version range term '>=1.2,' is not understood (repository r)", error.Message);
    }

    [Theory]
    [InlineData(">=1.2 <2", true)]
    [InlineData("^1.0", true)]
    [InlineData("1.x", true)]
    [InlineData("v1.2.3", false)]
    [InlineData("main", false)]
    [InlineData("release-1.x", false)]
    public void LooksLikeRange_Table(string revision, bool expected)
    {
        Assert.Equal(expected, SemanticVersionRange.LooksLikeRange(revision));
    }

    [Fact]
    public void CompareTo_PrereleaseBelowRelease()
    {
        SemanticVersion.TryParse("1.0.0-rc.2", out var rc2);
        SemanticVersion.TryParse("1.0.0-rc.10", out var rc10);
        SemanticVersion.TryParse("v1.0.0", out var release);

        Assert.True(rc2.CompareTo(rc10) < 0);
        Assert.True(rc10.CompareTo(release) < 0);
    }

    [Fact]
    public async Task ResolveRevisionAsync_VersionRange_PicksHighestMatchingTag()
    {
        using var repo = TestRepository.Create();
        repo.Write("a.yaml", "x: 1").Commit();
        repo.Git("tag", "v1.1.0");
        var v19 = repo.Write("a.yaml", "x: 2").Commit();
        repo.Git("tag", "-a", "v1.9.0", "-m", "1.9");
        repo.Write("a.yaml", "x: 3").Commit();
        repo.Git("tag", "v2.0.0");
        repo.Git("tag", "v1.10.0-rc.1");
        repo.Git("tag", "not-a-version");
        var git = new TestSources(repo.CacheDirectory).Git;

        Assert.Equal(v19, await git.ResolveRevisionAsync(repo.Spec(), ">=1.2 <2", fetch: true, CancellationToken.None));
        var error = await Assert.ThrowsAsync<SourceException>(() => git.ResolveRevisionAsync(repo.Spec(), ">=3", fetch: false, CancellationToken.None));
        Assert.Equal("no tag in repository test matches version range '>=3'", error.Message);
    }
}
