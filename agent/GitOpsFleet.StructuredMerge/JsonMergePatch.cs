using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>JSON merge patch (RFC 7386), as the API server applies application/merge-patch+json.</summary>
public static class JsonMergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="target"/>: objects merge recursively, null deletes
    /// a member, anything else (arrays included) replaces. The inputs are not modified.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result.TryGetPropertyValue(name, out var existing);
                result[name] = Apply(existing, value);
            }
        }

        return result;
    }
}
