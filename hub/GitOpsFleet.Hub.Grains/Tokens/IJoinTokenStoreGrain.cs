namespace GitOpsFleet.Hub.Grains;

/// <summary>All join tokens (key: "default"), hashes only.</summary>
public interface IJoinTokenStoreGrain : IGrainWithStringKey
{
    Task CreateAsync(JoinTokenRecord token);

    Task<IReadOnlyList<JoinTokenRecord>> ListAsync();

    Task<bool> RevokeAsync(string id);

    /// <summary>Checks a token and counts one use when valid.</summary>
    Task<JoinTokenCheck> ConsumeAsync(string tokenHash, long nowUnixMs);

    /// <summary>Gives back a use counted by a registration that then failed.</summary>
    Task ReleaseAsync(string id);
}
