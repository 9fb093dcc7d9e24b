namespace GitOpsFleet.Sources;

/// <summary>Lists the files that changed between two commits of a repository, from the hub's bare cache.</summary>
public interface IGitDiff
{
    /// <summary>
    /// Files added, modified, deleted or renamed between <paramref name="fromCommit"/> and <paramref name="toCommit"/>
    /// under <paramref name="path"/> (repository root when empty), ordered by path. <paramref name="cluster"/> fills the
    /// path's <c>{{cluster.name}}</c> and <c>{{cluster.labels.KEY}}</c> placeholders, as a render would.
    /// </summary>
    Task<IReadOnlyList<FileChange>> DiffAsync(RepositorySpec repository, string fromCommit, string toCommit, string path,
        ClusterParameters? cluster, CancellationToken cancellationToken);
}

/// <summary>One changed file: <c>A</c>dded, <c>M</c>odified, <c>D</c>eleted or <c>R</c>enamed (then with its old path).</summary>
public sealed record FileChange(char Kind, string Path, string? OldPath = null)
{
    /// <summary>"A path", "M path", "D path" or "R old -> new".</summary>
    public override string ToString() => Kind == 'R' ? $"R {OldPath} -> {Path}" : $"{Kind} {Path}";
}
