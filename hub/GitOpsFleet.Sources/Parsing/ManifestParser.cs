using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace GitOpsFleet.Sources.Parsing;

/// <summary>One Kubernetes object read from a file: the document it came from (0-based) and the object.</summary>
public sealed record ParsedManifest(int DocumentIndex, JsonObject Object);

/// <summary>
/// Reads multi-document YAML or JSON into Kubernetes objects: empty documents are skipped, <c>kind: List</c>
/// is expanded, and every object must carry apiVersion, kind and metadata.name.
/// </summary>
public static class ManifestParser
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="sourceName"/> (a file path) names the source in errors.</summary>
    /// <exception cref="SourceException">The text is not valid YAML/JSON or an object lacks apiVersion, kind or metadata.name.</exception>
    public static IReadOnlyList<ParsedManifest> Parse(string text, string sourceName) =>
        Parse(text, sourceName, sourceName.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a tool's YAML stream (kustomize build, helm template).</summary>
    internal static IReadOnlyList<ParsedManifest> ParseYaml(string text, string sourceName) => Parse(text, sourceName, isJson: false);

    /// <summary>
    /// Parses jsonnet's JSON output: an object, a List, an array, or (as kubecfg and Tanka allow) an object whose
    /// values are objects, arrays or such objects again, flattened in key order.
    /// </summary>
    internal static IReadOnlyList<ParsedManifest> ParseJsonOutput(string text, string sourceName)
    {
        var result = new List<ParsedManifest>();
        var index = 0;
        foreach (var document in ReadJson(text, sourceName))
        {
            foreach (var node in Flatten(document))
                Collect(node, index++, sourceName, result);
        }

        return result;
    }

    private static IEnumerable<JsonNode> Flatten(JsonNode? node)
    {
        switch (node)
        {
            case null:
                yield break;
            case JsonObject o when o["kind"] is null && o["apiVersion"] is null:
                foreach (var (_, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
                    foreach (var inner in Flatten(value)) yield return inner;
                break;
            case JsonArray a:
                foreach (var item in a)
                    foreach (var inner in Flatten(item)) yield return inner;
                break;
            default:
                yield return node;
                break;
        }
    }

    private static IReadOnlyList<ParsedManifest> Parse(string text, string sourceName, bool isJson)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<ParsedManifest>();
        var index = 0;
        foreach (var document in isJson ? ReadJson(text, sourceName) : ReadYaml(text, sourceName))
        {
            if (document is not null)
                Collect(document, index, sourceName, result);
            index++;
        }

        return result;
    }

    /// <summary>Parses and returns the objects alone, in order.</summary>
    public static IReadOnlyList<JsonObject> ParseObjects(string text, string sourceName) =>
        Parse(text, sourceName).Select(m => m.Object).ToList();

    private static IEnumerable<JsonNode?> ReadYaml(string text, string sourceName)
    {
        using var documents = YamlToJson.ReadDocuments(text).GetEnumerator();
        while (true)
        {
            JsonNode? current;
            try
            {
                if (!documents.MoveNext()) yield break;
                current = documents.Current;
            }
            catch (YamlException ex)
            {
                throw new SourceException($"{sourceName}: invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {StripMark(ex.Message)}", ex);
            }

            yield return current;
        }
    }

    private static IEnumerable<JsonNode?> ReadJson(string text, string sourceName)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SourceException($"{sourceName}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message.Split(" Path:")[0]}", ex);
        }

        // A top-level array holds several objects, like a multi-document YAML file.
        return root is JsonArray array ? array.Select(n => n?.DeepClone()).ToList() : [root];
    }

    private static void Collect(JsonNode node, int documentIndex, string sourceName, List<ParsedManifest> result)
    {
        if (node is not JsonObject obj)
            throw new SourceException($"{sourceName}: document {documentIndex + 1} is a {node.GetValueKind().ToString().ToLowerInvariant()}, not an object");

        if (obj["kind"]?.GetValueKind() == JsonValueKind.String && obj["kind"]!.GetValue<string>() == "List"
            && obj["items"] is JsonArray items)
        {
            foreach (var item in items.ToList())
            {
                if (item is null) continue;
                items.Remove(item);
                Collect(item, documentIndex, sourceName, result);
            }

            return;
        }

        var missing = MissingField(obj);
        if (missing is not null)
            throw new SourceException($"{sourceName}: document {documentIndex + 1}: object has no {missing}; every object needs apiVersion, kind and metadata.name");
        result.Add(new ParsedManifest(documentIndex, obj));
    }

    private static string? MissingField(JsonObject obj)
    {
        if (!IsNonEmptyString(obj["apiVersion"])) return "apiVersion";
        if (!IsNonEmptyString(obj["kind"])) return "kind";
        if (obj["metadata"] is not JsonObject metadata || !IsNonEmptyString(metadata["name"])) return "metadata.name";
        return null;
    }

    private static bool IsNonEmptyString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0;

    // YamlDotNet puts "(Line: 3, Col: 5, Idx: 20) - (Line: ...): " before its message; we give the position ourselves.
    private static string StripMark(string message)
    {
        if (!message.StartsWith("(Line:", StringComparison.Ordinal)) return message;
        var end = message.IndexOf("): ", StringComparison.Ordinal);
        return end < 0 ? message : message[(end + 3)..];
    }
}
