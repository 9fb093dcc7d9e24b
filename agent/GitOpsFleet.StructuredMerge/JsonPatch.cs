using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, as application/json-patch+json.</summary>
public static class JsonPatch
{
    /// <summary>Applies the operations in order to a copy of <paramref name="target"/>; throws <see cref="JsonPatchException"/> on the first that fails.</summary>
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(operations);

        // A wrapper lets the root itself be replaced or removed like any member.
        var doc = new JsonObject { ["root"] = target.DeepClone() };
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                throw new JsonPatchException($"json patch operation {i} is not an object");
            }

            var name = Str(op, "op", i);
            var path = Str(op, "path", i);
            var where = $"json patch operation {i} ({name} {path})";
            switch (name)
            {
                case "add":
                    Add(doc, path, Value(op, where), where);
                    break;
                case "remove":
                    Remove(doc, path, where);
                    break;
                case "replace":
                    Replace(doc, path, Value(op, where), where);
                    break;
                case "move":
                    var from = Str(op, "from", i);
                    if (path.StartsWith(from + "/", StringComparison.Ordinal))
                    {
                        throw new JsonPatchException($"{where}: cannot move {from} into its own child");
                    }

                    Add(doc, path, Remove(doc, from, where), where);
                    break;
                case "copy":
                    Add(doc, path, Get(doc, Str(op, "from", i), where)?.DeepClone(), where);
                    break;
                case "test":
                    var actual = Get(doc, path, where);
                    var expected = Value(op, where);
                    if (!JsonNode.DeepEquals(actual, expected))
                    {
                        throw new JsonPatchException(
                            $"{where}: test failed, expected {expected?.ToJsonString() ?? "null"} but found {actual?.ToJsonString() ?? "null"}");
                    }

                    break;
                default:
                    throw new JsonPatchException($"json patch operation {i}: unknown op \"{name}\"");
            }
        }

        return doc["root"] ?? throw new JsonPatchException("json patch removed the whole document");
    }

    private static void Add(JsonObject doc, string path, JsonNode? value, string where)
    {
        var (parent, token) = Parent(doc, path, where);
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray arr when token == "-":
                arr.Add(value);
                break;
            case JsonArray arr:
                var index = Index(token, arr.Count + 1, where);
                arr.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"{where}: parent of {path} is not an object or array");
        }
    }

    // In place, so the member keeps its position.
    private static void Replace(JsonObject doc, string path, JsonNode? value, string where)
    {
        var (parent, token) = Parent(doc, path, where);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                obj[token] = value;
                break;
            case JsonArray arr:
                arr[Index(token, arr.Count, where)] = value;
                break;
            default:
                throw new JsonPatchException($"{where}: path {path} does not exist");
        }
    }

    private static JsonNode? Remove(JsonObject doc, string path, string where)
    {
        var (parent, token) = Parent(doc, path, where);
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(token, out var value):
                obj.Remove(token);
                return value;
            case JsonArray arr:
                var index = Index(token, arr.Count, where);
                var item = arr[index];
                arr.RemoveAt(index);
                return item;
            default:
                throw new JsonPatchException($"{where}: path {path} does not exist");
        }
    }

    private static JsonNode? Get(JsonObject doc, string path, string where)
    {
        var (parent, token) = Parent(doc, path, where);
        return parent switch
        {
            JsonObject obj when obj.TryGetPropertyValue(token, out var value) => value,
            JsonArray arr => arr[Index(token, arr.Count, where)],
            _ => throw new JsonPatchException($"{where}: path {path} does not exist"),
        };
    }

    // Resolves all but the last token of a JSON pointer, within the wrapper document.
    private static (JsonNode? Parent, string Token) Parent(JsonObject doc, string path, string where)
    {
        if (path.Length > 0 && path[0] != '/')
        {
            throw new JsonPatchException($"{where}: path \"{path}\" must be empty or start with /");
        }

        var tokens = new List<string> { "root" };
        if (path.Length > 0)
        {
            tokens.AddRange(path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
        }

        JsonNode? node = doc;
        foreach (var token in tokens.Take(tokens.Count - 1))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray arr => arr[Index(token, arr.Count, where)],
                _ => throw new JsonPatchException($"{where}: path {path} does not exist"),
            };
        }

        return (node, tokens[^1]);
    }

    private static int Index(string token, int limit, string where)
    {
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || (token.Length > 1 && token[0] == '0') || index >= limit)
        {
            throw new JsonPatchException($"{where}: array index \"{token}\" is out of range");
        }

        return index;
    }

    private static JsonNode? Value(JsonObject op, string where) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw new JsonPatchException($"{where}: missing value");

    private static string Str(JsonObject op, string name, int i) =>
        op[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new JsonPatchException($"json patch operation {i}: missing \"{name}\"");
}
