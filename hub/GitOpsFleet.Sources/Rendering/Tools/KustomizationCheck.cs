using System.Text.Json.Nodes;
using GitOpsFleet.Sources.Parsing;

namespace GitOpsFleet.Sources.Rendering.Tools;

/// <summary>
/// Refuses kustomizations that name files or folders outside the checkout (kustomize itself lets a kustomization
/// load other kustomizations from anywhere on disk) and local <c>file://</c> remotes. Remote http(s)/git bases stay allowed.
/// </summary>
internal static class KustomizationCheck
{
    public static readonly string[] FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    private static readonly string[] PathLists = ["resources", "bases", "components", "crds", "configurations", "transformers", "generators", "validators", "patchesStrategicMerge"];
    private static readonly string[] ObjectListsWithPath = ["patches", "patchesJson6902", "replacements"];
    private static readonly string[] Generators = ["configMapGenerator", "secretGenerator"];

    public static void Check(string root, string label)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (!FileNames.Contains(Path.GetFileName(file))) continue;
            var relativeFile = RepositoryPaths.Relative(root, file);
            JsonNode? document;
            try
            {
                document = YamlToJson.ReadDocuments(File.ReadAllText(file)).FirstOrDefault();
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                throw new SourceException($"{relativeFile}: invalid YAML at line {ex.Start.Line}: {ex.Message} ({label})");
            }

            if (document is not JsonObject kustomization) continue;
            var directory = Path.GetDirectoryName(file)!;
            foreach (var (field, value) in PathsOf(kustomization))
            {
                if (IsRemote(value)) continue;
                if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || !RepositoryPaths.StaysInside(root, directory, value))
                    throw new SourceException($"{relativeFile}: {field} entry '{value}' points outside the repository; kustomizations must stay inside it ({label})");
            }
        }
    }

    private static IEnumerable<(string Field, string Path)> PathsOf(JsonObject k)
    {
        foreach (var field in PathLists)
        {
            if (k[field] is not JsonArray list) continue;
            foreach (var item in list)
            {
                // Inline patches are YAML text, not paths.
                if (item is JsonValue v && v.TryGetValue<string>(out var s) && !s.Contains('\n'))
                    yield return (field, s);
            }
        }

        foreach (var field in ObjectListsWithPath)
        {
            if (k[field] is not JsonArray list) continue;
            foreach (var item in list)
            {
                if (item is JsonObject o && o["path"] is JsonValue p && p.TryGetValue<string>(out var s))
                    yield return (field + ".path", s);
            }
        }

        foreach (var field in Generators)
        {
            if (k[field] is not JsonArray list) continue;
            foreach (var generator in list.OfType<JsonObject>())
            {
                foreach (var key in new[] { "files", "envs" })
                {
                    if (generator[key] is not JsonArray entries) continue;
                    foreach (var entry in entries)
                    {
                        if (entry is JsonValue v && v.TryGetValue<string>(out var s))
                            yield return ($"{field}.{key}", s.Contains('=') ? s[(s.IndexOf('=') + 1)..] : s);
                    }
                }

                if (generator["env"] is JsonValue env && env.TryGetValue<string>(out var e))
                    yield return ($"{field}.env", e);
            }
        }

        if (k["openapi"] is JsonObject openapi && openapi["path"] is JsonValue op && op.TryGetValue<string>(out var o2))
            yield return ("openapi.path", o2);
        if (k["helmGlobals"] is JsonObject helm && helm["chartHome"] is JsonValue ch && ch.TryGetValue<string>(out var chartHome))
            yield return ("helmGlobals.chartHome", chartHome);
    }

    private static bool IsRemote(string value) =>
        value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("git::", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("git@", StringComparison.Ordinal)
        || value.StartsWith("github.com/", StringComparison.OrdinalIgnoreCase);
}
