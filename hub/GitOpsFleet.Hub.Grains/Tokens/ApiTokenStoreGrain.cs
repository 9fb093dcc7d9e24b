namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class ApiTokenStoreState
{
    [Id(0)] public Dictionary<string, ApiTokenRecord> TokensByHash { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ApiTokenStoreGrain([PersistentState("apitokens")] IPersistentState<ApiTokenStoreState> state)
    : Grain, IApiTokenStoreGrain
{
    public async Task<bool> EnsureInitialAdminAsync(ApiTokenRecord token)
    {
        if (state.State.TokensByHash.Values.Any(t => t.Role == ApiRoles.Admin))
        {
            return false;
        }
        state.State.TokensByHash[token.Hash] = token;
        await state.WriteStateAsync();
        return true;
    }

    public Task<ApiTokenRecord?> FindAsync(string hash) =>
        Task.FromResult(state.State.TokensByHash.GetValueOrDefault(hash));

    public async Task CreateAsync(ApiTokenRecord token)
    {
        state.State.TokensByHash[token.Hash] = token;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ApiTokenRecord>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiTokenRecord>>(state.State.TokensByHash.Values.OrderBy(t => t.CreatedUnixMs).ToList());

    public async Task<bool> RevokeAsync(string id)
    {
        var token = state.State.TokensByHash.Values.FirstOrDefault(t => t.Id == id);
        if (token is null)
        {
            return false;
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (token.Role == ApiRoles.Admin && !state.State.TokensByHash.Values.Any(t =>
                t.Id != id && t.Role == ApiRoles.Admin && (t.ExpiresUnixMs == 0 || t.ExpiresUnixMs > now)))
        {
            // Revoking the last working admin token would lock everyone out of the hub for good.
            throw new HubException(HubErrorKind.FailedPrecondition,
                $"API token {id} is the last admin token; create another admin token first (fleet token create --role admin)");
        }
        state.State.TokensByHash.Remove(token.Hash);
        await state.WriteStateAsync();
        return true;
    }
}
