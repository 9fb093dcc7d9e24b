namespace GitOpsFleet.Kube.Discovery;

/// <summary>How the API server serves one kind: its plural resource name and whether it is namespaced.</summary>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    private string Prefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>Collection path, in a namespace when the kind is namespaced.</summary>
    public string CollectionPath(string? ns)
        => Namespaced && !string.IsNullOrEmpty(ns) ? $"{Prefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{Prefix}/{Plural}";

    public string ObjectPath(string? ns, string name) => CollectionPath(ns) + "/" + Uri.EscapeDataString(name);
}
