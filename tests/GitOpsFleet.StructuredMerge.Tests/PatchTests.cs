using System.Text.Json.Nodes;
using static GitOpsFleet.StructuredMerge.Tests.Fixtures;

namespace GitOpsFleet.StructuredMerge.Tests;

/// <summary>Table tests: each testdata/&lt;kind&gt;/*.yaml holds a target, a patch (or operations) and the expected result or error.</summary>
public class PatchTests
{
    public static TheoryData<string> Cases(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(PathOf(folder), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(folder + "/" + Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), "mergepatch")]
    public void JsonMergePatchApply_Fixture_GivesExpected(string fixture)
    {
        var c = Object(fixture);
        var before = Json(c["target"]);

        var result = JsonMergePatch.Apply(c["target"], c["patch"]);

        Assert.Equal(Json(c["expected"]), Json(result));
        Assert.Equal(before, Json(c["target"]));
    }

    [Theory]
    [MemberData(nameof(Cases), "strategic")]
    public void StrategicMergePatchApply_Fixture_GivesExpected(string fixture)
    {
        var c = Object(fixture);
        var before = Json(c["target"]);

        var result = StrategicMergePatch.Apply((JsonObject)c["target"]!, (JsonObject)c["patch"]!);

        Assert.Equal(Json(c["expected"]), Json(result));
        Assert.Equal(before, Json(c["target"]));
    }

    [Theory]
    [MemberData(nameof(Cases), "jsonpatch")]
    public void JsonPatchApply_Fixture_GivesExpectedOrError(string fixture)
    {
        var c = Object(fixture);
        var before = Json(c["target"]);
        var operations = (JsonArray)c["operations"]!;

        if (c["error"] is { } error)
        {
            var ex = Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(c["target"]!, operations));
            Assert.Equal((string?)error, ex.Message);
        }
        else
        {
            Assert.Equal(Json(c["expected"]), Json(JsonPatch.Apply(c["target"]!, operations)));
        }

        Assert.Equal(before, Json(c["target"]));
    }

    [Fact]
    public void JsonPatchApply_ReplaceRoot_ReturnsNewDocument()
    {
        var ops = (JsonArray)JsonNode.Parse("""[{"op":"replace","path":"","value":{"a":1}}]""")!;

        Assert.Equal("""{"a":1}""", Json(JsonPatch.Apply(JsonNode.Parse("""{"b":2}""")!, ops)));
    }
}
