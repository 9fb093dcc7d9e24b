using GitOpsFleet.Sources.Parsing;
using LibGit2Sharp;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// The plain renderer: YAML and JSON files read straight from the commit's tree. Nothing is checked out, so nothing
/// outside the repository can be reached; symbolic links that would be read are refused, never followed.
/// </summary>
internal static class DirectoryRenderer
{
    public static RenderedBundle Render(RenderContext context, CancellationToken cancellationToken)
    {
        var (repo, commit, path, request) = (context.Repository, context.Commit, context.Path, context.Request);
        var builder = new BundleBuilder(context.MaxOutputBytes, context.Label);
        var start = TreeWalk.Locate(commit, path, context);

        var matcher = new GlobMatcher(request.Include, request.Exclude);
        if (start is Blob single)
        {
            // A path naming one file renders that file alone.
            AddFile(single, path, builder);
            return builder.Build();
        }

        foreach (var (relative, entry) in TreeWalk.Files((Tree)start))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsManifestFile(relative) || !matcher.IsSelected(relative)) continue;
            var full = path.Length == 0 ? relative : path + "/" + relative;
            if (entry.Mode == Mode.SymbolicLink)
                throw new SourceException($"{full} is a symbolic link; symbolic links are not followed ({context.Label})");
            if (entry.TargetType != TreeEntryTargetType.Blob) continue; // submodules
            AddFile((Blob)entry.Target, full, builder);
        }

        return builder.Build();
    }

    public static bool IsManifestFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static void AddFile(Blob blob, string file, BundleBuilder builder)
    {
        builder.CheckInputSize(file, blob.Size);
        var text = blob.GetContentText();
        builder.AddFile(file, ManifestParser.Parse(text, file));
    }
}
