namespace GitOpsFleet.Sources.Rendering.Tools;

/// <summary>Lexical checks that a path named inside a checkout stays inside it (the checkout holds no symbolic links).</summary>
internal static class RepositoryPaths
{
    /// <summary>True when <paramref name="relative"/>, taken from <paramref name="baseDirectory"/>, stays under <paramref name="root"/>.</summary>
    public static bool StaysInside(string root, string baseDirectory, string relative)
    {
        if (Path.IsPathRooted(relative) || relative.Contains('\0')) return false;
        var full = Path.GetFullPath(Path.Combine(baseDirectory, relative));
        var normalizedRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        return full == normalizedRoot || full.StartsWith(normalizedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The path relative to the checkout root with '/' separators, for messages.</summary>
    public static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
