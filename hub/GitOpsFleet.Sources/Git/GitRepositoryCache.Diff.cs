using GitOpsFleet.Sources.Rendering;
using LibGit2Sharp;

namespace GitOpsFleet.Sources.Git;

/// <summary>Tree diffs between two commits in the bare cache (what a rollout plan shows as changed files).</summary>
internal sealed partial class GitRepositoryCache : IGitDiff
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<FileChange>> DiffAsync(RepositorySpec repository, string fromCommit, string toCommit, string path,
        ClusterParameters? cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var template = path ?? string.Empty;
        if (cluster is not null && PathTemplate.HasPlaceholders(template))
            template = PathTemplate.Substitute(template, cluster, "path");
        var prefix = PathTemplate.NormalizeRelative(template, "path");
        await EnsureCommitAsync(repository, fromCommit, cancellationToken).ConfigureAwait(false);
        var cache = await EnsureCommitAsync(repository, toCommit, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => DiffBlocking(cache, repository, fromCommit, toCommit, prefix), cancellationToken).ConfigureAwait(false);
    }

    private static List<FileChange> DiffBlocking(string cache, RepositorySpec repository, string fromCommit, string toCommit, string prefix)
    {
        using var repo = new Repository(cache);
        Commit Lookup(string commit) => (RevisionSyntax.IsHex(commit) ? repo.Lookup<Commit>(commit) : null)
            ?? throw new SourceException($"commit '{commit}' not found in repository {repository.Name}");
        var from = Lookup(fromCommit);
        var to = Lookup(toCommit);
        // The whole tree is compared (unchanged subtrees are skipped by id) so a rename into or out of the path is seen as one.
        var changes = repo.Diff.Compare<TreeChanges>(from.Tree, to.Tree, new CompareOptions { Similarity = SimilarityOptions.Renames });
        var result = new List<FileChange>();
        foreach (var change in changes)
        {
            var inNew = IsUnder(change.Path, prefix);
            var inOld = IsUnder(change.OldPath, prefix);
            FileChange? file = change.Status switch
            {
                ChangeKind.Added or ChangeKind.Copied when inNew => new FileChange('A', change.Path),
                ChangeKind.Deleted when inOld => new FileChange('D', change.OldPath),
                ChangeKind.Modified or ChangeKind.TypeChanged when inNew => new FileChange('M', change.Path),
                ChangeKind.Renamed when inNew && inOld => new FileChange('R', change.Path, change.OldPath),
                // A rename across the path's edge is an add or a delete as far as the application sees it.
                ChangeKind.Renamed when inNew => new FileChange('A', change.Path),
                ChangeKind.Renamed when inOld => new FileChange('D', change.OldPath),
                _ => null,
            };
            if (file is not null) result.Add(file);
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }

    private static bool IsUnder(string? file, string prefix) =>
        file is not null && (prefix.Length == 0 || file == prefix || file.StartsWith(prefix + "/", StringComparison.Ordinal));
}
