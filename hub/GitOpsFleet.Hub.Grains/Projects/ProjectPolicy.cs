using System.Text.Json;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// The rules a project puts on its applications, checked when an application is created and again
/// on every render before a bundle leaves for a cluster. Each check answers null (allowed) or a
/// message naming the object and the rule it breaks.
/// </summary>
public static class ProjectPolicy
{
    /// <summary>Kinds with no namespace: denied for every project but default unless an allowed kind names them.</summary>
    public static readonly IReadOnlySet<string> ClusterScopedKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PriorityClass", "IngressClass",
        "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "CertificateSigningRequest", "FlowSchema",
        "PriorityLevelConfiguration",
    };

    /// <summary>Whether the repository (by name or URL) is among the project's source globs (none: any).</summary>
    public static string? CheckSource(ProjectModel project, string repositoryName, string repositoryUrl)
    {
        if (project.SourceRepos.Count == 0 || project.SourceRepos.Any(g => Glob(g, repositoryName) || Glob(g, repositoryUrl)))
        {
            return null;
        }
        return $"repository {repositoryName} ({repositoryUrl}) is not among project {project.Name}'s source repositories [{string.Join(", ", project.SourceRepos)}]";
    }

    /// <summary>Whether some destination allows the namespace (on any cluster): the check at create time.</summary>
    public static string? CheckNamespace(ProjectModel project, string ns)
    {
        ns = ns.Length == 0 ? "default" : ns;
        if (project.Destinations.Count == 0 || project.Destinations.Any(d => Glob(NamespaceGlob(d), ns)))
        {
            return null;
        }
        return $"namespace {ns} is not among project {project.Name}'s destination namespaces [{string.Join(", ", project.Destinations.Select(d => d.Namespace))}]";
    }

    /// <summary>Whether a destination allows the namespace on this cluster.</summary>
    public static string? CheckDestination(ProjectModel project, string cluster, IReadOnlyDictionary<string, string> labels, string ns)
    {
        if (project.Destinations.Count == 0 || project.Destinations.Any(d => Names.Matches(d.ClusterSelector, labels) && Glob(NamespaceGlob(d), ns)))
        {
            return null;
        }
        return $"namespace {ns} on cluster {cluster} matches none of project {project.Name}'s destinations";
    }

    /// <summary>Whether the project allows a kind (group "" is the core group).</summary>
    public static string? CheckKind(ProjectModel project, string group, string kind)
    {
        var denied = project.DeniedKinds.FirstOrDefault(rule => KindMatches(rule, group, kind));
        if (denied is not null)
        {
            return $"kind {group}/{kind} is denied by project {project.Name} (denied kind {denied})";
        }
        var allowed = project.AllowedKinds.Any(rule => KindMatches(rule, group, kind));
        if (allowed || project.IsDefault)
        {
            return null;
        }
        if (ClusterScopedKinds.Contains(kind))
        {
            return $"kind {group}/{kind} is cluster-scoped and project {project.Name} does not allow it (add it to allowed kinds)";
        }
        return project.AllowedKinds.Count == 0
            ? null
            : $"kind {group}/{kind} is not among project {project.Name}'s allowed kinds [{string.Join(", ", project.AllowedKinds)}]";
    }

    /// <summary>
    /// Checks every manifest of a bundle for one cluster: kind, then namespace (explicit, or the
    /// application's default namespace). The first violation, or null when all are allowed.
    /// </summary>
    public static string? CheckManifests(ProjectModel project, IReadOnlyList<string> manifestsJson, string defaultNamespace,
        string cluster, IReadOnlyDictionary<string, string> labels)
    {
        if (project.IsDefault)
        {
            return null;
        }
        foreach (var json in manifestsJson)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var apiVersion = StringOf(root, "apiVersion");
            var kind = StringOf(root, "kind");
            var metadata = root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var name = metadata.ValueKind == JsonValueKind.Object ? StringOf(metadata, "name") : "";
            var slash = apiVersion.LastIndexOf('/');
            var group = slash < 0 ? "" : apiVersion[..slash];
            var what = $"{kind} {name}";
            if (CheckKind(project, group, kind) is { } kindError)
            {
                return $"{what}: {kindError}";
            }
            if (ClusterScopedKinds.Contains(kind))
            {
                continue;
            }
            var ns = metadata.ValueKind == JsonValueKind.Object ? StringOf(metadata, "namespace") : "";
            ns = ns.Length > 0 ? ns : defaultNamespace.Length > 0 ? defaultNamespace : "default";
            if (CheckDestination(project, cluster, labels, ns) is { } destinationError)
            {
                return $"{what}: {destinationError}";
            }
        }
        return null;
    }

    /// <summary>A rule "group/kind" (either may be "*" or a glob); a rule without "/" matches the kind in any group.</summary>
    public static bool KindMatches(string rule, string group, string kind)
    {
        var slash = rule.LastIndexOf('/');
        return slash < 0
            ? Glob(rule, kind)
            : Glob(rule[..slash], group) && Glob(rule[(slash + 1)..], kind);
    }

    /// <summary>Shell-style glob with '*' and '?'; an empty pattern matches everything except in group position where it is the core group.</summary>
    public static bool Glob(string pattern, string value)
    {
        if (pattern == "*")
        {
            return true;
        }
        if (pattern.Length == 0)
        {
            return value.Length == 0;
        }
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string NamespaceGlob(ProjectDestinationModel destination) =>
        destination.Namespace.Length == 0 ? "*" : destination.Namespace;

    private static string StringOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
