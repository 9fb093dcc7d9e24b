using System.Text.Json.Nodes;

namespace GitOpsFleet.StructuredMerge;

/// <summary>The outcome of a server-side apply.</summary>
/// <param name="Object">The merged object with managedFields updated; a clone of live when unchanged or conflicting.</param>
/// <param name="Changed">False when the stored object would stay identical (managedFields included).</param>
/// <param name="Conflicts">Fields owned by other managers with different values; non-empty means nothing was applied.</param>
public sealed record ApplyResult(JsonObject Object, bool Changed, IReadOnlyList<FieldConflict> Conflicts)
{
    /// <summary>
    /// The API server's 409 message, e.g. <c>Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas</c>;
    /// empty when there is no conflict.
    /// </summary>
    public string ConflictMessage()
    {
        if (Conflicts.Count == 0)
        {
            return "";
        }

        if (Conflicts.Count == 1)
        {
            return $"Apply failed with 1 conflict: conflict with {Conflicts[0].ManagerDescription}: {Conflicts[0].Path}";
        }

        var lines = new List<string>();
        foreach (var group in Conflicts.GroupBy(c => c.ManagerDescription).OrderBy(g => g.First().Manager, StringComparer.Ordinal)
                     .ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            lines.Add($"conflicts with {group.Key}:");
            lines.AddRange(group.Select(c => "- " + c.Path));
        }

        return $"Apply failed with {Conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }
}
