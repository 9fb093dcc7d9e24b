using GitOpsFleet.Sources.Parsing;

namespace GitOpsFleet.Sources.Tests.Parsing;

public sealed class ManifestParserTests
{
    private const string Header = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n";

    [Theory]
    [InlineData("v: 1", "1")]
    [InlineData("v: -12", "-12")]
    [InlineData("v: 1.5", "1.5")]
    [InlineData("v: \"1.5\"", "\"1.5\"")]
    [InlineData("v: '08'", "\"08\"")]
    [InlineData("v: true", "true")]
    [InlineData("v: yes", "\"yes\"")]
    [InlineData("v: ~", "null")]
    [InlineData("v:", "null")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: !!str 42", "\"42\"")]
    [InlineData("v: 1e3", "1000")]
    [InlineData("v: nginx:1.27", "\"nginx:1.27\"")]
    [InlineData("v: |\n  line1\n  line2", "\"line1\\nline2\"")]
    public void Parse_Scalars_FollowYamlCoreSchema(string yaml, string expectedJson)
    {
        var obj = Assert.Single(ManifestParser.Parse(Header + "data:\n  " + yaml.Replace("\n", "\n  "), "x.yaml")).Object;

        Assert.Equal(expectedJson, obj["data"]!["v"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Parse_AnchorsAndMergeKeys_AreExpanded()
    {
        var yaml = Header + "data:\n  base: &b {a: 1, b: 2}\n  copy: *b\n  merged:\n    <<: *b\n    b: 3\n";

        var data = Assert.Single(ManifestParser.Parse(yaml, "x.yaml")).Object["data"]!;

        Assert.Equal("{\"a\":1,\"b\":2}", data["copy"]!.ToJsonString());
        Assert.Equal("{\"a\":1,\"b\":3}", data["merged"]!.ToJsonString());
    }

    [Fact]
    public void Parse_AliasBomb_FailsInsteadOfExpanding()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");

        var error = Assert.Throws<SourceException>(() => ManifestParser.Parse(string.Join('\n', lines), "bomb.yaml"));

        Assert.Contains("bomb.yaml: invalid YAML", error.Message);
        Assert.Contains("more than 2,000,000 nodes", error.Message);
    }

    [Fact]
    public void Parse_DuplicateKey_FailsNamingTheKey()
    {
        var error = Assert.Throws<SourceException>(() => ManifestParser.Parse(Header + "data: {a: 1, a: 2}\n", "dup.yaml"));

        Assert.Contains("duplicate key 'a'", error.Message);
    }

    [Fact]
    public void Parse_JsonArrayAndNestedList_ExpandsEverything()
    {
        var json = """
            [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
              {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}]}
            ]
            """;

        var manifests = ManifestParser.Parse(json, "all.json");

        Assert.Equal(["a", "b"], manifests.Select(m => (string)m.Object["metadata"]!["name"]!));
        Assert.Equal([0, 1], manifests.Select(m => m.DocumentIndex));
    }

    [Fact]
    public void Parse_InvalidJson_ErrorNamesFileAndLine()
    {
        var error = Assert.Throws<SourceException>(() => ManifestParser.Parse("{\n  \"a\": \n}", "bad.json"));

        Assert.StartsWith("bad.json: invalid JSON at line 3", error.Message);
    }

    [Fact]
    public void Parse_ScalarDocument_IsRefused()
    {
        var error = Assert.Throws<SourceException>(() => ManifestParser.Parse(Header + "---\njust text\n", "s.yaml"));

        Assert.Equal("s.yaml: document 2 is a string, not an object", error.Message);
    }

    [Fact]
    public void Parse_CommentsAndEmptyDocuments_AreSkipped()
    {
        var manifests = ManifestParser.Parse("# only a comment\n---\n---\n" + Header + "---\n", "e.yaml");

        // The comment before the first "---" is not a document; the empty one between the markers is.
        Assert.Equal(1, Assert.Single(manifests).DocumentIndex);
    }
}
