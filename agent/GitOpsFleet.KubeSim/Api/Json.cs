using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Small helpers over System.Text.Json.Nodes for Kubernetes objects.</summary>
internal static class Json
{
    public static JsonObject Metadata(JsonObject o)
    {
        if (o["metadata"] is JsonObject m)
        {
            return m;
        }
        m = new JsonObject();
        o["metadata"] = m;
        return m;
    }

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out l)) return l;
        return null;
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Parse(byte[] utf8) => JsonNode.Parse(utf8)!.AsObject();

    public static JsonObject Clone(JsonObject o) => (JsonObject)o.DeepClone();

    /// <summary>Everything but metadata and status: what decides whether generation moves.</summary>
    public static bool SpecEquals(JsonObject a, JsonObject b)
    {
        foreach (var (k, v) in a)
        {
            if (k is "metadata" or "status") continue;
            if (!JsonNode.DeepEquals(v, b[k])) return false;
        }
        foreach (var (k, v) in b)
        {
            if (k is "metadata" or "status") continue;
            if (!a.ContainsKey(k) && v is not null) return false;
        }
        return true;
    }

    /// <summary>Equality ignoring resourceVersion: a write that changes nothing else is not stored, as on a real server.</summary>
    public static bool SameIgnoringBookkeeping(JsonObject a, JsonObject b)
    {
        var x = Clone(a);
        var y = Clone(b);
        foreach (var o in new[] { x, y })
        {
            if (o["metadata"] is JsonObject m)
            {
                m.Remove("resourceVersion");
            }
        }
        return JsonNode.DeepEquals(x, y);
    }
}
