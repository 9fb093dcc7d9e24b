namespace GitOpsFleet.Hub.Grains;

/// <summary>One Git repository (key: repository name): spec, polling, branch-to-commit resolution.</summary>
public interface IRepositoryGrain : IGrainWithStringKey
{
    Task<RepositoryModel> AddAsync(RepositoryModel repository, bool upsert);

    /// <summary>The stored repository, credentials included: for the hub only, never for the API.</summary>
    Task<RepositoryModel?> GetAsync();

    Task<bool> RemoveAsync();

    /// <summary>Resolves a revision to a commit and subscribes the application to new commits on it.</summary>
    Task<ResolveResult> ResolveAsync(string revision, bool fetch, string subscriber);

    Task UnsubscribeAsync(string subscriber);

    /// <summary>Fetches now (a webhook said the repository changed); applications whose commit moved re-render.</summary>
    [OneWay] Task RefreshAsync();

    /// <summary>Activates the grain so its poll timer runs (called at hub start).</summary>
    Task EnsureActiveAsync();
}
