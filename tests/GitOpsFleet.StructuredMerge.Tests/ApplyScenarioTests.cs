using System.Text.Json.Nodes;
using static GitOpsFleet.StructuredMerge.Tests.Fixtures;

namespace GitOpsFleet.StructuredMerge.Tests;

/// <summary>
/// Table tests: each testdata/scenarios/*.yaml is a list of writes (apply, force-apply, update) by named managers,
/// then what the last one must give: the object, whether it changed, who owns what, or the conflict message.
/// </summary>
public class ApplyScenarioTests
{
    public static TheoryData<string> Scenarios() => PatchTests.Cases("scenarios");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Apply_Scenario_GivesExpectedObjectOwnershipAndConflicts(string fixture)
    {
        var scenario = Object(fixture);
        var steps = (JsonArray)scenario["steps"]!;
        JsonObject? live = null;
        ApplyResult? last = null;
        var time = T0;
        foreach (var step in steps.Cast<JsonObject>())
        {
            time = time.AddSeconds(10);
            var manager = (string)step["manager"]!;
            var obj = (JsonObject)step["object"]!;
            switch ((string?)step["op"] ?? "apply")
            {
                case "update":
                    live = ManagedFieldsTracker.RecordUpdate(live, obj, manager, (string?)step["subresource"], time);
                    last = null;
                    break;
                case var op:
                    last = ServerSideApply.Apply(live, obj, manager, op == "force-apply", time, (string?)step["subresource"]);
                    if (last.Conflicts.Count == 0)
                    {
                        live = last.Object;
                    }

                    break;
            }
        }

        var expect = (JsonObject)scenario["expect"]!;
        if (expect["conflict"] is { } conflict)
        {
            Assert.Equal((string?)conflict, last?.ConflictMessage());
            return;
        }

        Assert.NotNull(live);
        Assert.Equal("", last?.ConflictMessage() ?? "");
        if (expect["changed"] is { } changed)
        {
            Assert.Equal((bool)changed, last?.Changed);
        }

        if (expect["object"] is { } expected)
        {
            var body = (JsonObject)live.DeepClone();
            ((JsonObject)body["metadata"]!).Remove("managedFields");
            Assert.True(JsonNode.DeepEquals(expected, body), $"expected {Json(expected)}\n  actual {Json(body)}");
        }

        foreach (var (owner, paths) in (expect["owners"] as JsonObject) ?? [])
        {
            var (manager, operation) = owner.Split('/') is [var m, var o] ? (m, o) : (owner, "Apply");
            var owned = ManagedFieldsTracker.FieldsOwnedBy(live, manager, operation);
            Assert.Equal(((JsonArray)paths!).Select(p => (string)p!).ToList(), owned.Paths);
        }
    }
}
