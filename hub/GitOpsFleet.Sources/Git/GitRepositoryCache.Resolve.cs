using LibGit2Sharp;

namespace GitOpsFleet.Sources.Git;

/// <summary>Revision resolution against the bare cache: refs, tags, SHAs and version ranges.</summary>
internal sealed partial class GitRepositoryCache
{
    private static string? TryResolve(string path, string revision, RepositorySpec repository)
    {
        using var repo = new Repository(path);
        if (revision.Length == 0 || revision == "HEAD") return PeelToCommit(repo, RemoteHeadRef);

        string[] candidates = revision switch
        {
            _ when revision.StartsWith("refs/heads/", StringComparison.Ordinal) => [ToRemoteRef(revision)],
            _ when revision.StartsWith("refs/tags/", StringComparison.Ordinal) => [revision],
            _ when revision.StartsWith("origin/", StringComparison.Ordinal) => ["refs/remotes/" + revision],
            _ => ["refs/remotes/origin/" + revision, "refs/tags/" + revision],
        };
        foreach (var candidate in candidates)
        {
            if (repo.Refs[candidate] is not null)
                return PeelToCommit(repo, candidate);
        }

        if (RevisionSyntax.IsHex(revision) && revision.Length is >= 4 and <= 40)
        {
            try
            {
                return repo.Lookup<Commit>(revision)?.Sha;
            }
            catch (AmbiguousSpecificationException)
            {
                throw new SourceException($"revision '{revision}' is ambiguous in repository {repository.Name}; give more characters of the commit");
            }
        }

        return null;
    }

    /// <summary>The commit of the highest tag that parses as a semantic version inside <paramref name="range"/>.</summary>
    private static string? TryResolveRange(string path, SemanticVersionRange range)
    {
        using var repo = new Repository(path);
        var best = repo.Tags
            .Select(t => (Tag: t, Ok: SemanticVersion.TryParse(t.FriendlyName, out var v), Version: v))
            .Where(t => t.Ok && range.Matches(t.Version))
            .OrderByDescending(t => t.Version)
            .ThenBy(t => t.Tag.FriendlyName, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Tag is null ? null : PeelToCommit(repo, best.Tag.CanonicalName);
    }

    private static string? PeelToCommit(Repository repo, string refName) => repo.Lookup<Commit>(refName + "^{commit}")?.Sha;

    private static bool HasCommit(string path, string commit)
    {
        if (!RevisionSyntax.IsHex(commit) || commit.Length != 40) return false;
        using var repo = new Repository(path);
        return repo.Lookup<Commit>(new ObjectId(commit)) is not null;
    }
}
