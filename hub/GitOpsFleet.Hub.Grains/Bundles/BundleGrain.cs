namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class BundleState
{
    [Id(0)] public byte[]? Compressed { get; set; }
    [Id(1)] public long StoredUnixMs { get; set; }
}

internal sealed class BundleGrain([PersistentState("bundle")] IPersistentState<BundleState> state) : Grain, IBundleGrain
{
    public async Task StoreAsync(byte[] compressed)
    {
        // Content-addressed: the same hash always means the same bytes, so the first write wins.
        if (state.State.Compressed is not null)
        {
            return;
        }
        state.State.Compressed = compressed;
        state.State.StoredUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
    }

    public Task<byte[]?> GetAsync() => Task.FromResult(state.State.Compressed);
}
