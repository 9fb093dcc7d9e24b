using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube;

/// <summary>Small helpers to read untyped Kubernetes objects.</summary>
internal static class Json
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject obj ? obj[segment] : null;
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path)
        => node.At(path) is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static long? Int(this JsonNode? node, params string[] path)
    {
        if (node.At(path) is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (value.TryGetValue<double>(out var d))
        {
            return (long)d;
        }
        return value.TryGetValue<string>(out var s) && long.TryParse(s, out var parsed) ? parsed : null;
    }

    public static bool? Bool(this JsonNode? node, params string[] path)
    {
        if (node.At(path) is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue<bool>(out var b))
        {
            return b;
        }
        return value.TryGetValue<string>(out var s) && bool.TryParse(s, out var parsed) ? parsed : null;
    }

    public static IEnumerable<JsonObject> Objects(this JsonNode? node, params string[] path)
        => node.At(path) is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>The condition of the given type in status.conditions, if any.</summary>
    public static JsonObject? Condition(this JsonNode? obj, string type)
        => obj.Objects("status", "conditions").FirstOrDefault(c => c.Str("type") == type);

    public static JsonObject EnsureObject(this JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
