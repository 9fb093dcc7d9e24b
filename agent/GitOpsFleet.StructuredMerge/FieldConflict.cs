namespace GitOpsFleet.StructuredMerge;

/// <summary>A field the applier would change that another manager owns.</summary>
/// <param name="Manager">The other manager's name.</param>
/// <param name="ApiVersion">The apiVersion that manager's entry was recorded with.</param>
/// <param name="Path">The field, spelled as in API server messages (".spec.replicas").</param>
public sealed record FieldConflict(string Manager, string ApiVersion, string Path)
{
    /// <summary>The other manager's operation: "Update" (the default) or "Apply".</summary>
    public string Operation { get; init; } = "Update";

    /// <summary>The other manager's subresource ("status"), or null.</summary>
    public string? Subresource { get; init; }

    /// <summary>The manager as the API server prints it: "kubectl-edit" using apps/v1, or just "name" for appliers.</summary>
    public string ManagerDescription
    {
        get
        {
            var text = Quote(Manager);
            if (!string.IsNullOrEmpty(Subresource))
            {
                text += " with subresource " + Quote(Subresource);
            }

            return Operation == "Update" ? text + " using " + ApiVersion : text;
        }
    }

    // Go's %q for the plain names managers have.
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
