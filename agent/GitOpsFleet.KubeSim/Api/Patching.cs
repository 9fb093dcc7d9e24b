using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Conflict reported by server-side apply: which manager owns which field.</summary>
internal sealed record ApplyConflict(string Manager, string Path);

/// <summary>Outcome of a server-side apply: the merged object, whether anything changed, and the conflicts.</summary>
internal sealed record ApplyOutcome(JsonObject Object, bool Changed, IReadOnlyList<ApplyConflict> Conflicts);

/// <summary>
/// The one seam between the API server and the merge library: every merge, patch and managedFields
/// computation goes through here, so swapping the implementation is a one-file change.
/// </summary>
internal static class Patching
{
    public static ApplyOutcome Apply(JsonObject? live, JsonObject applied, string manager, bool force, DateTimeOffset now)
    {
        var merged = (JsonObject)(live?.DeepClone() ?? new JsonObject());
        DeepMerge(merged, applied);
        return new ApplyOutcome(merged, live is null || !JsonNode.DeepEquals(live, merged), []);
    }

    public static JsonObject RecordUpdate(JsonObject? before, JsonObject after, string manager, string? subresource, DateTimeOffset now) => after;

    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }
        return result;
    }

    public static JsonObject StrategicMergePatch(JsonObject target, JsonObject patch) => (JsonObject)MergePatch(target, patch)!;

    public static JsonNode JsonPatch(JsonNode target, JsonArray operations) =>
        throw ApiException.BadRequest("json patch is not supported yet");

    private static void DeepMerge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            if (value is JsonObject fromChild && into[key] is JsonObject intoChild)
            {
                DeepMerge(intoChild, fromChild);
            }
            else
            {
                into[key] = value?.DeepClone();
            }
        }
    }
}
