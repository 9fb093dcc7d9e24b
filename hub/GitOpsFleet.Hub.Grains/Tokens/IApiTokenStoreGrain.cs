namespace GitOpsFleet.Hub.Grains;

/// <summary>All API tokens (key: "default"), hashes only, each with its role.</summary>
public interface IApiTokenStoreGrain : IGrainWithStringKey
{
    /// <summary>Stores the token only when no admin token exists yet; true when it did.</summary>
    Task<bool> EnsureInitialAdminAsync(ApiTokenRecord token);

    Task<ApiTokenRecord?> FindAsync(string hash);

    Task CreateAsync(ApiTokenRecord token);

    Task<IReadOnlyList<ApiTokenRecord>> ListAsync();

    Task<bool> RevokeAsync(string id);
}
