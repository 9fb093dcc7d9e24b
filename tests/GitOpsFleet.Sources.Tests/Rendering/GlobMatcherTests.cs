using GitOpsFleet.Sources.Rendering;

namespace GitOpsFleet.Sources.Tests.Rendering;

public sealed class GlobMatcherTests
{
    [Theory]
    [InlineData("*.yaml", "a.yaml", true)]
    [InlineData("*.yaml", "deep/dir/a.yaml", true)]
    [InlineData("*.yaml", "a.json", false)]
    [InlineData("base/*.yaml", "base/a.yaml", true)]
    [InlineData("base/*.yaml", "base/sub/a.yaml", false)]
    [InlineData("base/**/*.yaml", "base/a.yaml", true)]
    [InlineData("base/**/*.yaml", "base/sub/x/a.yaml", true)]
    [InlineData("tests/**", "tests/a/b.yaml", true)]
    [InlineData("tests/**", "other/tests/b.yaml", false)]
    [InlineData("{config.json,env-*/*}", "env-usw2/a.yaml", true)]
    [InlineData("{config.json,env-*/*}", "config.json", true)]
    [InlineData("{config.json,env-*/*}", "other.json", false)]
    [InlineData("?.yaml", "a.yaml", true)]
    [InlineData("?.yaml", "ab.yaml", false)]
    [InlineData("a+b.yaml", "a+b.yaml", true)]
    public void IsSelected_Include_MatchesAsDocumented(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new GlobMatcher([pattern], []).IsSelected(path));
    }

    [Fact]
    public void IsSelected_ExcludeWinsOverInclude()
    {
        var matcher = new GlobMatcher(["*.yaml"], ["secret-*.yaml"]);

        Assert.True(matcher.IsSelected("a.yaml"));
        Assert.False(matcher.IsSelected("x/secret-db.yaml"));
    }

    [Fact]
    public void Constructor_UnclosedBrace_ThrowsSourceException()
    {
        Assert.Throws<SourceException>(() => new GlobMatcher(["{a,b"], []));
    }
}
