using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>The added, modified and removed fields between two versions of an object.</summary>
internal sealed record Comparison(FieldSet Added, FieldSet Modified, FieldSet Removed);

/// <summary>
/// Walks objects the way structured-merge-diff walks typed values, with list kinds taken from
/// <see cref="MergeKeys"/>: the fields a value sets and the comparison of two values.
/// </summary>
internal static class ObjectWalker
{
    // Server-owned or identifying fields no manager ever owns.
    private static readonly HashSet<string> Untracked =
    [
        ".apiVersion", ".kind", ".metadata.name", ".metadata.namespace", ".metadata.uid", ".metadata.resourceVersion",
        ".metadata.generation", ".metadata.creationTimestamp", ".metadata.deletionTimestamp",
        ".metadata.deletionGracePeriodSeconds", ".metadata.managedFields", ".metadata.selfLink",
    ];

    private static readonly HashSet<string> SelectorFields = ["matchLabels", "matchExpressions"];

    public static bool IsUntracked(string schemaPath) => Untracked.Contains(schemaPath);

    /// <summary>
    /// Label selectors (spec.selector of workloads, podSelector, namespaceSelector ...) are atomic structs in the
    /// API schema: owned, compared and replaced whole. Told apart from a Service's plain map selector by shape.
    /// </summary>
    public static bool IsAtomicMap(string schemaPath, JsonNode? node) =>
        node is JsonObject { Count: > 0 } obj
        && schemaPath.EndsWith("elector", StringComparison.Ordinal)
        && obj.All(p => SelectorFields.Contains(p.Key));

    /// <summary>Adds to <paramref name="set"/> the fields a value sets at <paramref name="prefix"/>.</summary>
    public static void Collect(JsonNode? node, string schemaPath, List<string> prefix, FieldSet set)
    {
        switch (node)
        {
            case JsonObject obj:
                if ((obj.Count == 0 && prefix.Count > 0) || IsAtomicMap(schemaPath, obj))
                {
                    set.Insert(prefix);
                    return;
                }

                foreach (var (key, value) in obj)
                {
                    var childPath = schemaPath + "." + key;
                    if (IsUntracked(childPath))
                    {
                        continue;
                    }

                    prefix.Add(PathTokens.Field(key));
                    Collect(value, childPath, prefix, set);
                    prefix.RemoveAt(prefix.Count - 1);
                }

                return;
            case JsonArray arr:
                var items = PathTokens.Items(MergeKeys.KindOf(schemaPath), arr);
                if (items is null)
                {
                    set.Insert(prefix);
                    return;
                }

                foreach (var (token, item) in items)
                {
                    prefix.Add(token);
                    set.Insert(prefix);
                    if (item is JsonObject)
                    {
                        Collect(item, schemaPath, prefix, set);
                    }

                    prefix.RemoveAt(prefix.Count - 1);
                }

                return;
            default:
                set.Insert(prefix);
                return;
        }
    }

    /// <summary>Compares two versions of an object (either may be null: absent).</summary>
    public static Comparison Compare(JsonNode? lhs, JsonNode? rhs)
    {
        var c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareAt(lhs, lhs is not null, rhs, rhs is not null, "", [], c);
        return c;
    }

    private static void CompareAt(JsonNode? lhs, bool lhsPresent, JsonNode? rhs, bool rhsPresent, string schemaPath, List<string> prefix, Comparison c)
    {
        if (!lhsPresent && !rhsPresent)
        {
            return;
        }

        if (!lhsPresent)
        {
            Collect(rhs, schemaPath, prefix, c.Added);
            return;
        }

        if (!rhsPresent)
        {
            Collect(lhs, schemaPath, prefix, c.Removed);
            return;
        }

        if (lhs is JsonObject lo && rhs is JsonObject ro && (lo.Count > 0 || ro.Count > 0 || prefix.Count == 0)
            && !IsAtomicMap(schemaPath, lo) && !IsAtomicMap(schemaPath, ro))
        {
            foreach (var key in lo.Select(p => p.Key).Union(ro.Select(p => p.Key)))
            {
                var childPath = schemaPath + "." + key;
                if (IsUntracked(childPath))
                {
                    continue;
                }

                var lp = lo.TryGetPropertyValue(key, out var lv);
                var rp = ro.TryGetPropertyValue(key, out var rv);
                prefix.Add(PathTokens.Field(key));
                CompareAt(lv, lp, rv, rp, childPath, prefix, c);
                prefix.RemoveAt(prefix.Count - 1);
            }

            return;
        }

        if (lhs is JsonArray la && rhs is JsonArray ra)
        {
            var kind = MergeKeys.KindOf(schemaPath);
            var lItems = PathTokens.Items(kind, la);
            var rItems = PathTokens.Items(kind, ra);
            if (lItems is not null && rItems is not null)
            {
                var lMap = lItems.ToDictionary(i => i.Token, i => i.Item, StringComparer.Ordinal);
                var rMap = rItems.ToDictionary(i => i.Token, i => i.Item, StringComparer.Ordinal);
                foreach (var token in lItems.Select(i => i.Token).Union(rItems.Select(i => i.Token)))
                {
                    var lp = lMap.TryGetValue(token, out var lv);
                    var rp = rMap.TryGetValue(token, out var rv);
                    prefix.Add(token);
                    if (!lp || !rp)
                    {
                        (lp ? c.Removed : c.Added).Insert(prefix);
                    }

                    if (lv is JsonObject || rv is JsonObject)
                    {
                        CompareAt(lv, lp, rv, rp, schemaPath, prefix, c);
                    }

                    prefix.RemoveAt(prefix.Count - 1);
                }

                return;
            }
        }

        var lhsLeaf = lhs is not JsonObject and not JsonArray || IsLeafShaped(lhs, schemaPath, prefix);
        var rhsLeaf = rhs is not JsonObject and not JsonArray || IsLeafShaped(rhs, schemaPath, prefix);
        if (lhsLeaf && rhsLeaf)
        {
            if (!JsonNode.DeepEquals(lhs, rhs))
            {
                c.Modified.Insert(prefix);
            }

            return;
        }

        // The shape changed (say a map became a string): the old fields go, the new ones come.
        Collect(lhs, schemaPath, prefix, c.Removed);
        Collect(rhs, schemaPath, prefix, c.Added);
    }

    private static bool IsLeafShaped(JsonNode? node, string schemaPath, List<string> prefix) => node switch
    {
        JsonObject o => (o.Count == 0 && prefix.Count > 0) || IsAtomicMap(schemaPath, o),
        JsonArray a => PathTokens.Items(MergeKeys.KindOf(schemaPath), a) is null,
        _ => true,
    };
}
