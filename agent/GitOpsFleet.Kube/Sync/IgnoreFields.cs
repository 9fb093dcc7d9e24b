using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Removes JSON pointers that never count as drift; a pointer may be scoped "Kind:/path" or "Kind/name:/path".</summary>
public static class IgnoreFields
{
    public static void Strip(JsonObject obj, ResourceKey key, IEnumerable<string> pointers)
    {
        foreach (var entry in pointers)
        {
            var split = entry.IndexOf(":/", StringComparison.Ordinal);
            var scope = split < 0 ? null : entry[..split];
            var pointer = split < 0 ? entry : entry[(split + 1)..];
            if (scope is not null && scope != key.Kind && scope != $"{key.Kind}/{key.Name}")
            {
                continue;
            }
            Remove(obj, pointer);
        }
    }

    private static void Remove(JsonObject obj, string pointer)
    {
        var segments = pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode? node = obj;
        for (var i = 0; i < segments.Length - 1 && node is not null; i++)
        {
            node = node switch
            {
                JsonObject o => o[segments[i]],
                JsonArray a when int.TryParse(segments[i], out var idx) && idx < a.Count => a[idx],
                _ => null,
            };
        }
        switch (node)
        {
            case JsonObject parent:
                parent.Remove(segments[^1]);
                break;
            case JsonArray array when int.TryParse(segments[^1], out var index) && index < array.Count:
                array.RemoveAt(index);
                break;
        }
    }
}
