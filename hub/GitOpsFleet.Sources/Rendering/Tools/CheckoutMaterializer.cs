using LibGit2Sharp;

namespace GitOpsFleet.Sources.Rendering.Tools;

/// <summary>
/// Writes a commit's tree into an empty folder for tools that need files on disk. No symbolic link is ever
/// created: a link is resolved inside the Git tree (as the kernel would, component by component) and its
/// target copied in its place. A link that leads outside the repository is refused when it lies under the
/// application's path and left out elsewhere, so a tool can never reach a file outside the checkout through one.
/// </summary>
internal sealed class CheckoutMaterializer
{
    private const int MaxLinkHops = 40;
    private const int MaxLinkedFolderNesting = 4;
    private readonly Tree _root;
    private readonly string _appPath;
    private readonly string _label;
    private readonly long _maxBytes;
    private long _bytes;

    private CheckoutMaterializer(Tree root, string appPath, string label, long maxBytes)
    {
        _root = root;
        _appPath = appPath;
        _label = label;
        _maxBytes = maxBytes;
    }

    /// <summary>Writes <paramref name="commit"/> under <paramref name="directory"/> (which must be empty).</summary>
    public static void Materialize(Commit commit, string directory, string appPath, string label, long maxBytes, CancellationToken cancellationToken)
    {
        var materializer = new CheckoutMaterializer(commit.Tree, appPath, label, maxBytes);
        materializer.WriteTree(commit.Tree, string.Empty, directory, 0, cancellationToken);
    }

    private void WriteTree(Tree tree, string repoPath, string directory, int linkedNesting, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (var entry in tree)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entryRepoPath = repoPath.Length == 0 ? entry.Name : repoPath + "/" + entry.Name;
            var target = Path.Combine(directory, entry.Name);
            switch (entry.Mode)
            {
                case Mode.Directory:
                    WriteTree((Tree)entry.Target, entryRepoPath, target, linkedNesting, cancellationToken);
                    break;
                case Mode.SymbolicLink:
                    WriteLink(entry, entryRepoPath, target, linkedNesting, cancellationToken);
                    break;
                case Mode.NonExecutableFile or Mode.NonExecutableGroupWritableFile or Mode.ExecutableFile:
                    WriteBlob((Blob)entry.Target, target);
                    break;
                default:
                    break; // submodules: not part of this repository's content
            }
        }
    }

    private void WriteLink(TreeEntry entry, string linkRepoPath, string target, int linkedNesting, CancellationToken cancellationToken)
    {
        var resolved = ResolveLink(linkRepoPath, LinkText(entry), 0);
        if (resolved is null) return; // dangling: left out, as git would leave a broken link
        if (resolved.Escapes)
        {
            if (IsUnderAppPath(linkRepoPath))
                throw new SourceException($"{linkRepoPath} is a symbolic link that points outside the repository; it is refused ({_label})");
            return;
        }

        var targetObject = Lookup(resolved.Path);
        switch (targetObject)
        {
            case Blob blob:
                WriteBlob(blob, target);
                break;
            case Tree tree when linkedNesting < MaxLinkedFolderNesting
                && !IsAncestorOrSelf(resolved.Path, linkRepoPath):
                WriteTree(tree, resolved.Path, target, linkedNesting + 1, cancellationToken);
                break;
            default:
                break; // a link to its own ancestor (a loop) or nested too deep: left out
        }
    }

    private void WriteBlob(Blob blob, string path)
    {
        _bytes += blob.Size;
        if (_bytes > _maxBytes)
            throw new SourceException($"checkout is larger than {_maxBytes:N0} bytes ({_label})");
        using var content = blob.GetContentStream();
        using var file = File.Create(path);
        content.CopyTo(file);
    }

    private bool IsUnderAppPath(string repoPath) =>
        _appPath.Length == 0 || repoPath == _appPath || repoPath.StartsWith(_appPath + "/", StringComparison.Ordinal);

    private static bool IsAncestorOrSelf(string candidate, string path) =>
        candidate.Length == 0 || path == candidate || path.StartsWith(candidate + "/", StringComparison.Ordinal);

    private static string LinkText(TreeEntry entry) => ((Blob)entry.Target).GetContentText();

    /// <summary>Resolves a link's text against the tree like realpath: each component in turn, links on the way followed.</summary>
    private Resolution? ResolveLink(string linkRepoPath, string linkText, int hops)
    {
        if (hops > MaxLinkHops)
            throw new SourceException($"{linkRepoPath}: too many levels of symbolic links ({_label})");
        if (linkText.StartsWith('/')) return Resolution.Outside;

        var parent = linkRepoPath.Contains('/') ? linkRepoPath[..linkRepoPath.LastIndexOf('/')] : string.Empty;
        var stack = parent.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var component in linkText.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (component == ".") continue;
            if (component == "..")
            {
                if (stack.Count == 0) return Resolution.Outside;
                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            stack.Add(component);
            var current = string.Join('/', stack);
            var entry = LookupEntry(current);
            if (entry is null) return null;
            if (entry.Mode == Mode.SymbolicLink)
            {
                var inner = ResolveLink(current, LinkText(entry), hops + 1);
                if (inner is null || inner.Escapes) return inner;
                stack = inner.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
            }
        }

        return new Resolution(string.Join('/', stack), false);
    }

    private TreeEntry? LookupEntry(string repoPath) => _root[repoPath];

    private GitObject? Lookup(string repoPath) => repoPath.Length == 0 ? _root : _root[repoPath]?.Target;

    private sealed record Resolution(string Path, bool Escapes)
    {
        public static Resolution Outside { get; } = new(string.Empty, true);
    }
}
