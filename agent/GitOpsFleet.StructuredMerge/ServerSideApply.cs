using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>Server-side apply as the Kubernetes API server does it: ownership, conflicts, pruning and merge.</summary>
public static class ServerSideApply
{
    // Fields of an apply configuration that are the server's, not the applier's, to set.
    private static readonly string[] ServerMetadata =
        ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    /// <summary>
    /// Applies <paramref name="applied"/> (a full or partial object) to <paramref name="live"/> (null when it does not exist yet)
    /// on behalf of <paramref name="manager"/>. Neither input is modified. For the main resource the caller strips
    /// <c>status</c> from <paramref name="applied"/> when the kind has a status subresource; for an apply to the status
    /// subresource pass <paramref name="subresource"/> "status" (the entry is recorded with it).
    /// </summary>
    public static ApplyResult Apply(JsonObject? live, JsonObject applied, string manager, bool force, DateTimeOffset now, string? subresource = null)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentException.ThrowIfNullOrEmpty(manager);

        var config = (JsonObject)applied.DeepClone();
        if (config["metadata"] is JsonObject configMeta)
        {
            foreach (var name in ServerMetadata)
            {
                configMeta.Remove(name);
            }
        }

        var liveBody = live is null ? null : WithoutManagedFields(live);
        var entries = ManagedEntry.Read(live);
        var apiVersion = Str(applied, "apiVersion") ?? (live is null ? null : Str(live, "apiVersion")) ?? "";
        var newSet = FieldSet.FromObject(config);
        var previous = entries.FirstOrDefault(e => e.Is(manager, ManagedEntry.ApplyOperation, subresource));
        var others = entries.Where(e => e != previous).ToList();

        var merged = (JsonObject)ObjectMerger.Merge(liveBody ?? new JsonObject(), config, "")!;
        if (previous is not null && !previous.Set.IsEmpty)
        {
            // Fields this manager applied last time but not now go, unless someone (this apply included) still owns them.
            var owned = others.Aggregate(newSet, (acc, e) => acc.Union(e.Set));
            FieldRemover.Remove(merged, previous.Set.Except(owned), owned);
        }

        var comparison = ObjectWalker.Compare(liveBody, merged);
        var takenFields = comparison.Added.Union(comparison.Modified);
        var conflicts = new List<(ManagedEntry Owner, FieldSet Fields)>();
        foreach (var other in others)
        {
            var clash = other.Set.Intersect(takenFields);
            if (!clash.IsEmpty)
            {
                conflicts.Add((other, clash));
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            var list = conflicts
                .OrderBy(c => c.Owner.Manager, StringComparer.Ordinal)
                .ThenBy(c => c.Owner.Operation, StringComparer.Ordinal)
                .SelectMany(c => c.Fields.Paths.Select(p => new FieldConflict(c.Owner.Manager, c.Owner.ApiVersion, p)
                {
                    Operation = c.Owner.Operation,
                    Subresource = c.Owner.Subresource,
                }))
                .ToList();
            return new ApplyResult(CloneOrEmpty(live), false, list);
        }

        var updated = new List<ManagedEntry>();
        foreach (var other in others)
        {
            var entry = other.Clone();
            entry.ReplaceSet(other.Set.Except(takenFields).Except(comparison.Removed));
            updated.Add(entry);
        }

        var mine = previous?.Clone() ?? ManagedEntry.Create(manager, ManagedEntry.ApplyOperation, subresource);
        mine.ReplaceSet(newSet);
        if (previous is null || previous.ApiVersion != apiVersion)
        {
            mine.Stamp(apiVersion, now);
        }

        updated.Add(mine);

        var unchanged = liveBody is not null && JsonNode.DeepEquals(liveBody, merged) && ManagedEntry.SameOwnership(entries, updated);
        if (unchanged)
        {
            return new ApplyResult(CloneOrEmpty(live), false, []);
        }

        // Something changed: the applier's entry carries this write's time.
        mine.Stamp(apiVersion, now);
        ManagedEntry.Write(merged, updated);
        return new ApplyResult(merged, true, []);
    }

    internal static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }

    private static JsonObject CloneOrEmpty(JsonObject? live) => live is null ? new JsonObject() : (JsonObject)live.DeepClone();

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
