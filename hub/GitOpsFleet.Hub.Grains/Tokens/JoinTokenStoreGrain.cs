namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class JoinTokenStoreState
{
    [Id(0)] public Dictionary<string, JoinTokenRecord> Tokens { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class JoinTokenStoreGrain([PersistentState("jointokens")] IPersistentState<JoinTokenStoreState> state)
    : Grain, IJoinTokenStoreGrain
{
    public async Task CreateAsync(JoinTokenRecord token)
    {
        state.State.Tokens[token.Id] = token;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<JoinTokenRecord>> ListAsync() =>
        Task.FromResult<IReadOnlyList<JoinTokenRecord>>(state.State.Tokens.Values.OrderBy(t => t.CreatedUnixMs).ToList());

    public async Task<bool> RevokeAsync(string id)
    {
        if (!state.State.Tokens.TryGetValue(id, out var token))
        {
            return false;
        }
        state.State.Tokens[id] = token with { Revoked = true };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<JoinTokenCheck> ConsumeAsync(string tokenHash, long nowUnixMs)
    {
        var token = state.State.Tokens.Values.FirstOrDefault(t => t.TokenHash == tokenHash);
        if (token is null)
        {
            return Refused("join token is not known to this hub");
        }
        if (token.Revoked)
        {
            return Refused($"join token {token.Id} was revoked");
        }
        if (token.ExpiresUnixMs <= nowUnixMs)
        {
            return Refused($"join token {token.Id} expired; create a new one with `fleet cluster join-token create`");
        }
        if (!token.Reusable && token.Uses > 0)
        {
            return Refused($"join token {token.Id} is single-use and was already used");
        }
        state.State.Tokens[token.Id] = token with { Uses = token.Uses + 1 };
        await state.WriteStateAsync();
        return new JoinTokenCheck(true, "", token.Id, token.Labels) { RequireApproval = token.RequireApproval };
    }

    public async Task ReleaseAsync(string id)
    {
        if (state.State.Tokens.TryGetValue(id, out var token) && token.Uses > 0)
        {
            state.State.Tokens[id] = token with { Uses = token.Uses - 1 };
            await state.WriteStateAsync();
        }
    }

    private static JoinTokenCheck Refused(string reason) => new(false, reason, "", new Dictionary<string, string>());
}
