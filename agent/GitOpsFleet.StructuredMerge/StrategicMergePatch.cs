using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json) for the common cases: maps merge, null deletes,
/// lists with merge keys (<see cref="MergeKeys"/>) merge by key, other lists are replaced; the directives
/// $patch (merge|replace|delete), $deleteFromPrimitiveList and $retainKeys are honoured, $setElementOrder is ignored.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="target"/>; the inputs are not modified.</summary>
    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(patch);
        return MergeObject((JsonObject)target.DeepClone(), patch, "") ?? new JsonObject();
    }

    // Merges into target (a copy this class owns); null means "$patch: delete".
    private static JsonObject? MergeObject(JsonObject target, JsonObject patch, string path)
    {
        switch (Directive(patch))
        {
            case "delete":
                return null;
            case "replace":
                return MergeObject(new JsonObject(), Without(patch, PatchDirective), path);
        }

        var deletions = new List<(string Field, JsonArray Values)>();
        foreach (var (key, value) in patch)
        {
            if (key is PatchDirective or RetainKeys || key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                if (value is JsonArray values)
                {
                    deletions.Add((key[DeleteFromPrimitiveList.Length..], values));
                }

                continue;
            }

            var childPath = path + "." + key;
            target.TryGetPropertyValue(key, out var existing);
            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case JsonObject patchObject:
                    var merged = MergeObject(existing as JsonObject ?? new JsonObject(), patchObject, childPath);
                    if (merged is null)
                    {
                        target.Remove(key);
                    }
                    else if (!ReferenceEquals(merged, existing))
                    {
                        target[key] = merged;
                    }

                    break;
                case JsonArray patchList:
                    target[key] = MergeList(existing as JsonArray, patchList, childPath);
                    break;
                default:
                    target[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (field, values) in deletions)
        {
            if (target[field] is JsonArray list)
            {
                foreach (var item in list.Where(i => values.Any(v => JsonNode.DeepEquals(v, i))).ToList())
                {
                    list.Remove(item);
                }
            }
        }

        if (patch[RetainKeys] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.ToString()).ToHashSet(StringComparer.Ordinal);
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? existing, JsonArray patch, string path)
    {
        if (patch.Any(i => i is JsonObject o && Directive(o) == "replace"))
        {
            return Fresh(new JsonArray(patch.Where(i => !(i is JsonObject o && Directive(o) == "replace")).Select(i => i?.DeepClone()).ToArray()), path);
        }

        var kind = MergeKeys.KindOf(path);
        if (existing is null || kind.IsAtomic || PathTokens.Items(kind, existing) is null)
        {
            return Fresh(patch, path);
        }

        var result = (JsonArray)existing.DeepClone();
        if (kind.IsSet)
        {
            foreach (var item in patch.Where(p => !result.Any(r => JsonNode.DeepEquals(r, p))))
            {
                result.Add(item?.DeepClone());
            }

            return result;
        }

        foreach (var item in patch)
        {
            var token = PathTokens.Item(kind, item);
            if (token is null)
            {
                return Fresh(patch, path); // items without their key: nothing to merge by
            }

            var index = result.Select((r, i) => (r, i)).FirstOrDefault(x => PathTokens.Item(kind, x.r) == token, (null, -1)).Item2;
            var patchItem = (JsonObject)item!;
            if (Directive(patchItem) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var target = (JsonObject)result[index]!;
                result[index] = null; // detach, so the merged copy can take its place
                result[index] = MergeObject(target, patchItem, path);
            }
            else if (MergeObject(new JsonObject(), patchItem, path) is { } added)
            {
                result.Add(added);
            }
        }

        return result;
    }

    // A list from the patch alone: directives stripped, items marked for deletion dropped.
    private static JsonArray Fresh(JsonArray patch, string path)
    {
        var result = new JsonArray();
        foreach (var item in patch)
        {
            if (item is JsonObject o)
            {
                if (MergeObject(new JsonObject(), o, path) is { } clean)
                {
                    result.Add(clean);
                }
            }
            else
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }

    private static string? Directive(JsonObject obj) =>
        obj[PatchDirective] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject Without(JsonObject obj, string key) =>
        new(obj.Where(p => p.Key != key).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
}
