using GitOpsFleet.Cli.Infrastructure;

namespace GitOpsFleet.Cli.Tests;

public sealed class ParseTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("500ms", 0.5)]
    public void Duration_KnownForms_Parse(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse.Duration(text, "--x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5 minutes")]
    [InlineData("1h-")]
    public void Duration_Garbage_Throws(string text)
    {
        Assert.Throws<CliException>(() => Parse.Duration(text, "--x"));
    }

    [Fact]
    public void Labels_RepeatedAndCommaSeparated_Merge()
    {
        var labels = Parse.Labels(["env=prod,wave=1", "team = web"], "-l");

        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["wave"] = "1", ["team"] = "web" }, labels);
    }

    [Fact]
    public void Labels_MissingEquals_Throws()
    {
        var error = Assert.Throws<CliException>(() => Parse.Labels(["env"], "--selector"));

        Assert.Equal("--selector 'env' is not a label; use key=value", error.Message);
    }

    [Theory]
    [InlineData("https://github.com/acme/Guestbook.git", "guestbook")]
    [InlineData("git@github.com:acme/apps.git", "apps")]
    [InlineData("/srv/git/my_repo/", "my-repo")]
    public void RepositoryNameFromUrl_DerivesAName(string url, string expected)
    {
        Assert.Equal(expected, Parse.RepositoryNameFromUrl(url));
    }
}

public sealed class TableWriterTests
{
    [Fact]
    public void WriteTo_LongCells_CutsAllButTheLastColumn()
    {
        var longText = new string('a', 100);
        var writer = new StringWriter();

        new GitOpsFleet.Cli.Output.TableWriter("A", "B").Row(longText, longText).Row(null, "").WriteTo(writer);

        var lines = writer.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new string('a', 79) + "…   " + longText, lines[1]);
        Assert.Equal("-" + new string(' ', 82) + "-", lines[2]);
    }
}
