using System.Text.RegularExpressions;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>Substitutes <c>{{cluster.name}}</c> and <c>{{cluster.labels.KEY}}</c> and checks that the result stays inside the repository.</summary>
internal static partial class PathTemplate
{
    /// <summary>Replaces every placeholder in <paramref name="template"/> with the cluster's facts.</summary>
    public static string Substitute(string template, ClusterParameters cluster, string what)
    {
        return Placeholder().Replace(template, match =>
        {
            var expression = match.Groups["expr"].Value;
            if (expression == "cluster.name") return cluster.Name;
            if (expression.StartsWith("cluster.labels.", StringComparison.Ordinal))
            {
                var key = expression["cluster.labels.".Length..];
                if (cluster.Labels.TryGetValue(key, out var value)) return value;
                throw new SourceException($"{what} '{template}' needs label '{key}' but cluster '{cluster.Name}' has no such label");
            }

            throw new SourceException($"{what} '{template}' has an unknown placeholder '{{{{{expression}}}}}'; use {{{{cluster.name}}}} or {{{{cluster.labels.KEY}}}}");
        });
    }

    /// <summary>True when <paramref name="template"/> uses any cluster fact.</summary>
    public static bool HasPlaceholders(string template) => Placeholder().IsMatch(template);

    /// <summary>
    /// A repository-relative path with '/' separators, no leading or trailing '/', no '.' segments and "" for the root.
    /// Absolute paths and '..' are refused: a path names something inside the repository or nothing.
    /// </summary>
    public static string NormalizeRelative(string path, string what)
    {
        var trimmed = path.Trim().Replace('\\', '/');
        if (trimmed.StartsWith('/') || (trimmed.Length >= 2 && trimmed[1] == ':'))
            throw new SourceException($"{what} '{path}' is absolute; give a path relative to the repository root");
        var segments = trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Any(s => s == ".."))
            throw new SourceException($"{what} '{path}' contains '..'; paths must stay inside the repository");
        if (segments.Any(s => s.Contains('\0')))
            throw new SourceException($"{what} '{path}' contains a NUL character");
        return string.Join('/', segments);
    }

    [GeneratedRegex(@"\{\{\s*(?<expr>[^}\s]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
