namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class NameIndexState
{
    [Id(0)] public Dictionary<string, Dictionary<string, string>> Entries { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class NameIndexGrain([PersistentState("index")] IPersistentState<NameIndexState> state) : Grain, INameIndexGrain
{
    public async Task SetAsync(string name, IReadOnlyDictionary<string, string> attributes)
    {
        if (state.State.Entries.TryGetValue(name, out var existing)
            && existing.Count == attributes.Count
            && attributes.All(pair => existing.TryGetValue(pair.Key, out var value) && value == pair.Value))
        {
            return;
        }
        state.State.Entries[name] = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string name)
    {
        if (state.State.Entries.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ListAsync()
    {
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> copy = state.State.Entries
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(pair.Value), StringComparer.Ordinal);
        return Task.FromResult(copy);
    }
}
