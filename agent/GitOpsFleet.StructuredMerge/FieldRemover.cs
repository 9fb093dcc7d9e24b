using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>Removes fields a manager stopped applying, unless someone still owns them or something below them.</summary>
internal static class FieldRemover
{
    /// <summary>
    /// Removes every member of <paramref name="toRemove"/> from <paramref name="root"/> unless
    /// <paramref name="owned"/> holds it or a path below it; maps and lists emptied by that, which nobody owns, go too.
    /// </summary>
    public static void Remove(JsonObject root, FieldSet toRemove, FieldSet owned)
    {
        // Deepest first, so a parent is judged empty after its children went.
        foreach (var path in toRemove.Members().OrderByDescending(p => p.Count).ToList())
        {
            if (owned.ContainsPrefix(path) || IsKeyField(path))
            {
                continue;
            }

            if (RemoveOne(root, path))
            {
                RemoveEmptyAncestors(root, path, owned);
            }
        }
    }

    // A list item's key fields stay while the item stays, or it could no longer be found by its key.
    private static bool IsKeyField(IReadOnlyList<string> path) =>
        path.Count >= 2 && path[^1].StartsWith("f:", StringComparison.Ordinal)
        && PathTokens.KeyNames(path[^2]).Contains(path[^1][2..]);

    private static void RemoveEmptyAncestors(JsonObject root, IReadOnlyList<string> path, FieldSet owned)
    {
        for (var depth = path.Count - 1; depth >= 2 || (depth == 1 && path[0] != "f:metadata"); depth--)
        {
            var ancestor = path.Take(depth).ToList();
            var node = Navigate(root, ancestor, out _);
            var empty = node is JsonObject { Count: 0 } || node is JsonArray { Count: 0 };
            if (!empty || owned.ContainsPrefix(ancestor))
            {
                return;
            }

            RemoveOne(root, ancestor);
        }
    }

    private static bool RemoveOne(JsonObject root, IReadOnlyList<string> path)
    {
        var parent = Navigate(root, path.Take(path.Count - 1).ToList(), out var schemaPath);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when last.StartsWith("f:", StringComparison.Ordinal):
                return obj.Remove(last[2..]);
            case JsonArray arr:
                var index = IndexOf(arr, last, schemaPath);
                if (index < 0)
                {
                    return false;
                }

                arr.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The node at a path, or null; <paramref name="schemaPath"/> is its path without item selectors.</summary>
    internal static JsonNode? Navigate(JsonObject root, IReadOnlyList<string> path, out string schemaPath)
    {
        JsonNode? node = root;
        schemaPath = "";
        foreach (var token in path)
        {
            if (token.StartsWith("f:", StringComparison.Ordinal))
            {
                var name = token[2..];
                schemaPath += "." + name;
                node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
            }
            else
            {
                node = node is JsonArray arr && IndexOf(arr, token, schemaPath) is var i and >= 0 ? arr[i] : null;
            }

            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static int IndexOf(JsonArray arr, string token, string schemaPath)
    {
        var kind = MergeKeys.KindOf(schemaPath);
        for (var i = 0; i < arr.Count; i++)
        {
            if (PathTokens.Item(kind, arr[i]) == token)
            {
                return i;
            }
        }

        return -1;
    }
}
