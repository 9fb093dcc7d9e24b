using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

public sealed partial class FieldSet
{
    /// <summary>
    /// The part of <paramref name="obj"/> this set covers: owned leaves with their values, owned list items with
    /// their owned fields and keys. For drift checks: compare what a manager owns in the live object with what it applied.
    /// </summary>
    public JsonObject ExtractFrom(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Extract(root, obj, "") as JsonObject ?? new JsonObject();
    }

    private static JsonNode? Extract(Node node, JsonNode? value, string schemaPath)
    {
        if (node.Children is null)
        {
            return value?.DeepClone();
        }

        switch (value)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (token, child) in node.Children)
                {
                    if (token.StartsWith("f:", StringComparison.Ordinal) && obj.TryGetPropertyValue(token[2..], out var field))
                    {
                        result[token[2..]] = Extract(child, field, schemaPath + "." + token[2..]);
                    }
                }

                return result;
            case JsonArray arr:
                var kind = MergeKeys.KindOf(schemaPath);
                var items = PathTokens.Items(kind, arr);
                if (items is null)
                {
                    return node.Member ? arr.DeepClone() : null;
                }

                var list = new JsonArray();
                foreach (var (token, item) in items)
                {
                    if (!node.Children.TryGetValue(token, out var child))
                    {
                        continue;
                    }

                    if (kind.IsSet || item is not JsonObject itemObj)
                    {
                        list.Add(item?.DeepClone());
                        continue;
                    }

                    var extracted = Extract(child, itemObj, schemaPath) as JsonObject ?? new JsonObject();
                    foreach (var key in kind.Keys ?? [])
                    {
                        if (!extracted.ContainsKey(key) && itemObj.TryGetPropertyValue(key, out var keyValue))
                        {
                            extracted[key] = keyValue?.DeepClone();
                        }
                    }

                    list.Add(extracted);
                }

                return list;
            default:
                return node.Member ? value?.DeepClone() : null;
        }
    }
}
