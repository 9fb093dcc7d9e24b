using LibGit2Sharp;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>Walks a commit's tree without following symbolic links.</summary>
internal static class TreeWalk
{
    /// <summary>The tree (or blob) at <paramref name="path"/>; a symbolic link on the way is refused.</summary>
    public static GitObject Locate(Commit commit, string path, RenderContext context)
    {
        GitObject current = commit.Tree;
        var walked = string.Empty;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked = walked.Length == 0 ? segment : walked + "/" + segment;
            if (current is not Tree tree)
                throw new SourceException($"path '{path}' not found: {walked[..walked.LastIndexOf('/')]} is a file ({context.Label})");
            var entry = tree[segment]
                ?? throw new SourceException($"path '{path}' not found ({context.Label})");
            if (entry.Mode == Mode.SymbolicLink)
                throw new SourceException($"{walked} is a symbolic link; symbolic links are not followed ({context.Label})");
            if (entry.TargetType == TreeEntryTargetType.GitLink)
                throw new SourceException($"{walked} is a submodule, which is not supported ({context.Label})");
            current = entry.Target;
        }

        return current;
    }

    /// <summary>Every non-folder entry below <paramref name="tree"/>, with its path relative to it, in tree order.</summary>
    public static IEnumerable<(string RelativePath, TreeEntry Entry)> Files(Tree tree, string prefix = "")
    {
        foreach (var entry in tree)
        {
            var relative = prefix.Length == 0 ? entry.Name : prefix + "/" + entry.Name;
            if (entry.TargetType == TreeEntryTargetType.Tree)
            {
                foreach (var nested in Files((Tree)entry.Target, relative))
                    yield return nested;
            }
            else
            {
                yield return (relative, entry);
            }
        }
    }
}
