using System.Text.Json.Nodes;
using GitOpsFleet.StructuredMerge;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Conflict reported by server-side apply: which manager owns which field, as the API server prints it.</summary>
internal sealed record ApplyConflict(string ManagerDescription, string Path);

/// <summary>Outcome of a server-side apply: the merged object, whether anything changed, and the conflicts with the 409 message.</summary>
internal sealed record ApplyOutcome(JsonObject Object, bool Changed, IReadOnlyList<ApplyConflict> Conflicts, string ConflictMessage);

/// <summary>
/// The one seam between the API server and the merge library (GitOpsFleet.StructuredMerge): every
/// merge, patch and managedFields computation goes through here, and library errors become
/// API errors here.
/// </summary>
internal static class Patching
{
    public static ApplyOutcome Apply(JsonObject? live, JsonObject applied, string manager, bool force, string? subresource, DateTimeOffset now)
    {
        var result = ServerSideApply.Apply(live, applied, manager, force, now, subresource);
        return new ApplyOutcome(result.Object, result.Changed,
            [.. result.Conflicts.Select(c => new ApplyConflict(c.ManagerDescription, c.Path))], result.ConflictMessage());
    }

    public static JsonObject RecordUpdate(JsonObject? before, JsonObject after, string manager, string? subresource, DateTimeOffset now) =>
        ManagedFieldsTracker.RecordUpdate(before, after, manager, subresource, now);

    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch) => JsonMergePatch.Apply(target, patch);

    public static JsonObject StrategicMergePatch(JsonObject target, JsonObject patch) =>
        GitOpsFleet.StructuredMerge.StrategicMergePatch.Apply(target, patch);

    public static JsonNode JsonPatch(JsonNode target, JsonArray operations)
    {
        try
        {
            return GitOpsFleet.StructuredMerge.JsonPatch.Apply(target, operations);
        }
        catch (JsonPatchException e)
        {
            // The real server answers a failing JSON patch operation with 422 Invalid... for test ops, 400 for malformed ones; 422 is the common case.
            throw new ApiException(422, "Invalid", e.Message);
        }
    }
}
