using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>Merges an apply configuration into a live object the way structured-merge-diff does.</summary>
internal static class ObjectMerger
{
    /// <summary>Merges <paramref name="rhs"/> into a copy of <paramref name="lhs"/>: maps recursively, keyed lists by key, the rest replaced.</summary>
    public static JsonNode? Merge(JsonNode? lhs, JsonNode? rhs, string schemaPath)
    {
        if (lhs is JsonObject lo && rhs is JsonObject ro && !ObjectWalker.IsAtomicMap(schemaPath, ro))
        {
            var result = (JsonObject)lo.DeepClone();
            foreach (var (key, value) in ro)
            {
                if (value is null)
                {
                    // An explicit null clears the field, as decoding into a typed object does.
                    result.Remove(key);
                }
                else if (result.TryGetPropertyValue(key, out var existing) && existing is not null)
                {
                    result[key] = Merge(existing, value, schemaPath + "." + key);
                }
                else
                {
                    result[key] = value.DeepClone();
                }
            }

            return result;
        }

        if (lhs is JsonArray la && rhs is JsonArray ra)
        {
            var kind = MergeKeys.KindOf(schemaPath);
            var lItems = PathTokens.Items(kind, la);
            var rItems = PathTokens.Items(kind, ra);
            if (lItems is not null && rItems is not null)
            {
                return MergeList(lItems, rItems, schemaPath);
            }
        }

        return rhs?.DeepClone();
    }

    // structured-merge-diff's order: live items keep their place, shared items follow the applied order,
    // new items go where the applied config puts them.
    private static JsonArray MergeList(List<(string Token, JsonNode? Item)> lhs, List<(string Token, JsonNode? Item)> rhs, string schemaPath)
    {
        var lMap = lhs.ToDictionary(i => i.Token, i => i.Item, StringComparer.Ordinal);
        var rMap = rhs.ToDictionary(i => i.Token, i => i.Item, StringComparer.Ordinal);
        var shared = new Queue<string>(rhs.Select(i => i.Token).Where(lMap.ContainsKey));
        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var merged = new HashSet<string>(StringComparer.Ordinal);
        var output = new JsonArray();

        void Take(string token, JsonNode? l, JsonNode? r)
        {
            merged.Add(token);
            output.Add(r is null ? l?.DeepClone() : Merge(l, r, schemaPath));
            if (nextShared == token)
            {
                nextShared = shared.Count > 0 ? shared.Dequeue() : null;
            }
        }

        int li = 0, ri = 0;
        while (li < lhs.Count || ri < rhs.Count)
        {
            if (li < lhs.Count && ri < rhs.Count)
            {
                var pe = lhs[li].Token;
                if (pe == rhs[ri].Token)
                {
                    Take(pe, lhs[li].Item, rhs[ri].Item);
                    li++;
                    ri++;
                    continue;
                }

                if (rMap.ContainsKey(pe) && nextShared is not null && nextShared != pe)
                {
                    li++;
                    continue;
                }
            }

            if (li < lhs.Count)
            {
                var pe = lhs[li].Token;
                if (!rMap.ContainsKey(pe))
                {
                    output.Add(lhs[li].Item?.DeepClone());
                    li++;
                    continue;
                }

                if (merged.Contains(pe))
                {
                    li++;
                    continue;
                }
            }

            if (ri < rhs.Count)
            {
                var pe = rhs[ri].Token;
                lMap.TryGetValue(pe, out var l);
                Take(pe, l, rhs[ri].Item);
                ri++;
            }
            else
            {
                li++;
            }
        }

        return output;
    }
}
