using System.Collections.Concurrent;
using LibGit2Sharp;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// Picks a renderer for <c>renderer: auto</c> from what the path holds: a kustomization → kustomize, Chart.yaml → helm,
/// *.jsonnet → jsonnet, anything else → directory. Answers are kept per (URL, commit, path): a commit never changes.
/// </summary>
internal sealed class RendererDetection
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    public string Detect(string cachePath, RepositorySpec repository, string commit, string path)
    {
        var key = string.Join('\u001f', repository.Url.Trim(), commit, path);
        if (_known.TryGetValue(key, out var renderer)) return renderer;

        using var repo = new Repository(cachePath);
        var found = repo.Lookup<Commit>(new ObjectId(commit))
            ?? throw new SourceException($"commit {commit[..7]} not found in repository {repository.Name}");
        var target = path.Length == 0 ? found.Tree : found.Tree[path]?.Target;
        renderer = target switch
        {
            Tree tree when tree.Any(e => e.Name is "kustomization.yaml" or "kustomization.yml" or "Kustomization") => RenderPlan.Kustomize,
            Tree tree when tree["Chart.yaml"] is not null => RenderPlan.Helm,
            Tree tree when tree.Any(e => e.Name.EndsWith(".jsonnet", StringComparison.Ordinal)) => RenderPlan.Jsonnet,
            Blob when path.EndsWith(".jsonnet", StringComparison.Ordinal) => RenderPlan.Jsonnet,
            _ => RenderPlan.Directory,
        };

        if (_known.Count >= MaxEntries) _known.Clear();
        _known[key] = renderer;
        return renderer;
    }
}
