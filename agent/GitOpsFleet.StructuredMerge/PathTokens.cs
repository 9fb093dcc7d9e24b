using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>
/// Path elements in their FieldsV1 spelling: "f:name" for a map field, "k:{...}" for a list item by
/// its merge keys, "v:..." for an item of a set of scalars.
/// </summary>
internal static class PathTokens
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Field(string name) => "f:" + name;

    /// <summary>The token of one list item, or null when the item cannot be keyed (then the list is treated as atomic).</summary>
    public static string? Item(ListKind kind, JsonNode? item)
    {
        if (kind.IsSet)
        {
            return item is JsonValue ? "v:" + Canonical(item) : null;
        }

        if (kind.Keys is null || item is not JsonObject obj)
        {
            return null;
        }

        var key = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var name in kind.Keys)
        {
            if (obj.TryGetPropertyValue(name, out var v) && v is JsonValue)
            {
                key[name] = v.DeepClone();
            }
            else if (kind.Defaults is not null && kind.Defaults.TryGetValue(name, out var d))
            {
                key[name] = JsonValue.Create(d);
            }
            else if (name == kind.Keys[0])
            {
                return null; // the primary key is required
            }
        }

        var json = new JsonObject();
        foreach (var (k, v) in key)
        {
            json[k] = v;
        }

        return "k:" + json.ToJsonString(Compact);
    }

    /// <summary>Tokens of every item of a list, or null when the list must be handled as atomic (unkeyable or duplicate items).</summary>
    public static List<(string Token, JsonNode? Item)>? Items(ListKind kind, JsonArray list)
    {
        if (kind.IsAtomic)
        {
            return null;
        }

        var result = new List<(string, JsonNode?)>(list.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            var token = Item(kind, item);
            if (token is null || !seen.Add(token))
            {
                return null;
            }

            result.Add((token, item));
        }

        return result;
    }

    /// <summary>Compact JSON with object keys sorted, so equal values always give the same token.</summary>
    public static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString(Compact) ?? "null";

    /// <summary>Re-spells a token read from stored FieldsV1 in canonical form.</summary>
    public static string Normalize(string token)
    {
        if (token.Length > 2 && (token.StartsWith("k:", StringComparison.Ordinal) || token.StartsWith("v:", StringComparison.Ordinal)))
        {
            var parsed = TryParse(token[2..]);
            return parsed is not null || token[2..] == "null" ? token[..2] + Canonical(parsed) : token;
        }

        return token;
    }

    /// <summary>The human spelling the API server uses in messages: .spec.containers[name="nginx"].image</summary>
    public static string Human(IEnumerable<string> tokens)
    {
        var sb = new StringBuilder();
        foreach (var token in tokens)
        {
            var body = token.Length >= 2 ? token[2..] : token;
            switch (token[..Math.Min(2, token.Length)])
            {
                case "f:":
                    sb.Append('.').Append(body);
                    break;
                case "v:":
                    sb.Append("[=").Append(body).Append(']');
                    break;
                case "k:" when TryParse(body) is JsonObject key:
                    sb.Append('[').AppendJoin(",", key.Select(p => p.Key + "=" + Canonical(p.Value))).Append(']');
                    break;
                default:
                    sb.Append('[').Append(token).Append(']');
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>The field names that key a list item token (empty for non-keyed tokens).</summary>
    public static IReadOnlyCollection<string> KeyNames(string token)
    {
        if (!token.StartsWith("k:", StringComparison.Ordinal))
        {
            return [];
        }

        return TryParse(token[2..]) is JsonObject key ? key.Select(p => p.Key).ToList() : [];
    }

    // Stored managedFields may hold anything; a token that is not JSON is kept as an opaque name.
    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray arr => new JsonArray(arr.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
