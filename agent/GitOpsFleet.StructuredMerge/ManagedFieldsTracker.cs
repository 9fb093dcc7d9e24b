using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>Keeps metadata.managedFields right for writes that are not applies, and reads ownership back.</summary>
public static class ManagedFieldsTracker
{
    /// <summary>
    /// Records a non-apply write (create, PUT, merge/strategic/JSON patch; operation "Update"): <paramref name="manager"/>
    /// takes every field whose value it added or changed, and those fields leave other managers' sets.
    /// Returns a copy of <paramref name="after"/> with managedFields set; the inputs are not modified.
    /// </summary>
    /// <param name="before">The stored object before the write, or null on create.</param>
    /// <param name="after">The object to store. Its managedFields are ignored unless the client changed them on purpose.</param>
    /// <param name="manager">The field manager (the request's fieldManager, or the client's user agent).</param>
    /// <param name="subresource">Null, or "status" for writes to the status subresource.</param>
    /// <param name="now">The write's time, recorded on the manager's entry when it took fields.</param>
    public static JsonObject RecordUpdate(JsonObject? before, JsonObject after, string manager, string? subresource, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentException.ThrowIfNullOrEmpty(manager);

        var result = (JsonObject)after.DeepClone();
        var entries = BaseEntries(before, after, out var baseNode);
        var beforeBody = before is null ? null : ServerSideApply.WithoutManagedFields(before);
        var afterBody = ServerSideApply.WithoutManagedFields(after);
        var comparison = ObjectWalker.Compare(beforeBody, afterBody);
        var taken = comparison.Added.Union(comparison.Modified);

        var changed = false;
        var updated = new List<ManagedEntry>();
        ManagedEntry? mine = null;
        foreach (var entry in entries)
        {
            var copy = entry.Clone();
            if (entry.Is(manager, ManagedEntry.UpdateOperation, subresource))
            {
                mine = copy;
                continue;
            }

            copy.ReplaceSet(entry.Set.Except(taken).Except(comparison.Removed));
            changed |= !copy.Set.Equals(entry.Set);
            updated.Add(copy);
        }

        var hadMine = mine is not null;
        mine ??= ManagedEntry.Create(manager, ManagedEntry.UpdateOperation, subresource);
        var mineBefore = mine.Set;
        mine.ReplaceSet(mine.Set.Union(taken).Except(comparison.Removed));
        changed |= !mine.Set.Equals(mineBefore);
        if (!taken.IsEmpty)
        {
            mine.Stamp(Str(after, "apiVersion") ?? mine.ApiVersion, now);
            changed = true;
        }

        updated.Add(mine);

        var meta = result["metadata"] as JsonObject;
        if (!changed && (hadMine || mine.Set.IsEmpty))
        {
            // Nothing moved: keep the stored entries exactly as they were.
            if (baseNode is not null)
            {
                if (meta is null)
                {
                    meta = new JsonObject();
                    result["metadata"] = meta;
                }

                meta["managedFields"] = baseNode.DeepClone();
            }
            else
            {
                meta?.Remove("managedFields");
            }

            return result;
        }

        ManagedEntry.Write(result, updated);
        return result;
    }

    /// <summary>The fields <paramref name="manager"/> owns through <paramref name="operation"/> ("Apply" or "Update"), any subresource.</summary>
    public static FieldSet FieldsOwnedBy(JsonObject obj, string manager, string operation = ManagedEntry.ApplyOperation)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return ManagedEntry.Read(obj)
            .Where(e => e.Manager == manager && e.Operation == operation)
            .Aggregate(new FieldSet(), (acc, e) => acc.Union(e.Set));
    }

    // The stored entries win unless the client sent different ones: [{}] resets, anything else replaces.
    private static List<ManagedEntry> BaseEntries(JsonObject? before, JsonObject after, out JsonNode? baseNode)
    {
        var stored = before?["metadata"]?["managedFields"];
        var sent = after["metadata"]?["managedFields"];
        if (sent is null || JsonNode.DeepEquals(sent, stored))
        {
            baseNode = stored;
            return ManagedEntry.Read(before);
        }

        if (sent is JsonArray { Count: 1 } reset && reset[0] is JsonObject { Count: 0 })
        {
            baseNode = null;
            return [];
        }

        baseNode = sent;
        return ManagedEntry.Read(after);
    }

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
