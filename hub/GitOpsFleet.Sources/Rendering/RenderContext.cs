using LibGit2Sharp;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>What one renderer run works on: the open cache, the exact commit, the resolved path and limits.</summary>
internal sealed record RenderContext(
    Repository Repository,
    Commit Commit,
    string Path,
    RenderRequest Request,
    long MaxOutputBytes,
    TimeSpan Timeout,
    string? ToolSearchPath = null)
{
    /// <summary>Names the source in errors: "path 'apps/x' of repository demo at 1a2b3c4".</summary>
    public string Label => $"path '{(Path.Length == 0 ? "." : Path)}' of repository {Request.Repository.Name} at {Commit.Sha[..7]}";
}
