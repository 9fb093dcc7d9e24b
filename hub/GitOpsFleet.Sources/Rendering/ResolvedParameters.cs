using System.Text.Json;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// <see cref="RenderParameters"/> for one cluster: placeholders substituted, paths checked and made repository-relative,
/// maps in a stable order so equal parameters give equal cache keys.
/// </summary>
internal sealed partial record ResolvedParameters(
    string? HelmReleaseName,
    IReadOnlyList<string> HelmValuesFiles,
    string? HelmValues,
    IReadOnlyList<KeyValuePair<string, string>> HelmParameters,
    IReadOnlyList<KeyValuePair<string, string>> JsonnetExtVars,
    IReadOnlyList<KeyValuePair<string, string>> JsonnetTlas,
    IReadOnlyList<string> JsonnetLibraries)
{
    /// <summary>Ext vars the jsonnet renderer sets itself.</summary>
    private static readonly string[] ReservedExtVars = ["cluster", "clusterName"];

    public bool IsEmpty => HelmReleaseName is null && HelmValuesFiles.Count == 0 && HelmValues is null && HelmParameters.Count == 0
        && JsonnetExtVars.Count == 0 && JsonnetTlas.Count == 0 && JsonnetLibraries.Count == 0;

    /// <summary>Substitutes and checks <paramref name="parameters"/>; <paramref name="appPath"/> is the resolved application path.</summary>
    public static ResolvedParameters Resolve(RenderParameters? parameters, ClusterParameters cluster, string appPath, string repository)
    {
        var p = parameters ?? RenderParameters.None;
        string Sub(string value, string what) => PathTemplate.Substitute(value, cluster, what);

        string? release = null;
        if (!string.IsNullOrWhiteSpace(p.HelmReleaseName))
        {
            release = Sub(p.HelmReleaseName.Trim(), "helm release name");
            if (!ReleaseName().IsMatch(release))
                throw new SourceException($"helm release name '{release}' (repository {repository}) is not valid: lower-case letters, digits and '-', at most 53");
        }

        var valuesFiles = (p.HelmValuesFiles ?? []).Where(f => !string.IsNullOrWhiteSpace(f))
            .Select(f => InsideRepository(appPath, Sub(f, "helm values file"), "helm values file", repository)).ToList();
        var values = string.IsNullOrWhiteSpace(p.HelmValues) ? null : Sub(p.HelmValues, "helm values");
        var helmParameters = Pairs(p.HelmParameters, "helm parameter", repository, Sub, reserved: []);
        var extVars = Pairs(p.JsonnetExtVars, "jsonnet ext var", repository, Sub, ReservedExtVars);
        var tlas = Pairs(p.JsonnetTlas, "jsonnet top-level argument", repository, Sub, reserved: []);
        var libraries = (p.JsonnetLibraries ?? []).Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => PathTemplate.NormalizeRelative(Sub(l, "jsonnet library path"), "jsonnet library path"))
            .Distinct(StringComparer.Ordinal).ToList();
        return new ResolvedParameters(release, valuesFiles, values, helmParameters, extVars, tlas, libraries);
    }

    /// <summary>A stable text form for the render cache key.</summary>
    public string ToCacheKey() => IsEmpty ? string.Empty : JsonSerializer.Serialize(new object?[]
    {
        HelmReleaseName, HelmValuesFiles, HelmValues,
        HelmParameters.Select(p => new[] { p.Key, p.Value }),
        JsonnetExtVars.Select(p => new[] { p.Key, p.Value }),
        JsonnetTlas.Select(p => new[] { p.Key, p.Value }),
        JsonnetLibraries,
    });

    /// <summary>
    /// Joins <paramref name="relative"/> to the chart folder and collapses '..': the result must stay inside the repository
    /// (a values file beside the chart, e.g. <c>../common/values.yaml</c>, is fine; <c>../../..</c> past the root is not).
    /// </summary>
    internal static string InsideRepository(string appPath, string relative, string what, string repository)
    {
        var trimmed = relative.Trim().Replace('\\', '/');
        if (trimmed.StartsWith('/') || (trimmed.Length >= 2 && trimmed[1] == ':'))
            throw new SourceException($"{what} '{relative}' (repository {repository}) is absolute; give a path relative to the chart folder");
        if (trimmed.Contains('\0'))
            throw new SourceException($"{what} '{relative}' (repository {repository}) contains a NUL character");
        if (trimmed.Contains("://", StringComparison.Ordinal))
            throw new SourceException($"{what} '{relative}' (repository {repository}) is a URL; only files in the repository are read");
        var segments = new List<string>(appPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var segment in trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0)
                    throw new SourceException($"{what} '{relative}' (repository {repository}) leaves the repository; paths must stay inside it");
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        if (segments.Count == 0)
            throw new SourceException($"{what} '{relative}' (repository {repository}) names no file");
        return string.Join('/', segments);
    }

    private static List<KeyValuePair<string, string>> Pairs(IReadOnlyDictionary<string, string>? map, string what, string repository,
        Func<string, string, string> substitute, string[] reserved)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in map ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('=') || key.Contains('\0'))
                throw new SourceException($"{what} name '{key}' (repository {repository}) is empty or contains '='");
            if (reserved.Contains(key, StringComparer.Ordinal))
                throw new SourceException($"{what} '{key}' (repository {repository}) is set by the hub itself (the cluster's facts); pick another name");
            result.Add(new(key, substitute(value ?? string.Empty, $"{what} '{key}'")));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$")]
    private static partial Regex ReleaseName();
}
