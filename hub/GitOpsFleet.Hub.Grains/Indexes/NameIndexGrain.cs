using Orleans.Concurrency;

namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class NameIndexState
{
    [Id(0)] public Dictionary<string, Dictionary<string, string>> Entries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A listing of names (clusters: 10,000 and more). Reentrant so that changes arriving while the index is being written
/// share the next write (<see cref="GroupCommit"/>) instead of one full write each; reads answer from the sorted
/// snapshot of what is stored, built once per write, so they never see a change that is not stored yet.
/// </summary>
/// <remarks>
/// Await points: only the write in <see cref="WriteAsync"/>. Set and Remove queue their change in
/// <see cref="_pending"/> (synchronously) and wait for the write that carries it; the state itself changes only at
/// the start of a write, when no other write is in flight, so the store never serializes a state being changed.
/// </remarks>
[Reentrant]
internal sealed class NameIndexGrain : Grain, INameIndexGrain
{
    private readonly IPersistentState<NameIndexState> _state;
    private readonly GroupCommit _commit;
    // Changes not yet in a write, by name; null: remove.
    private readonly Dictionary<string, Dictionary<string, string>?> _pending = new(StringComparer.Ordinal);
    private NameIndexSnapshot? _stored;

    public NameIndexGrain([PersistentState("index")] IPersistentState<NameIndexState> state)
    {
        _state = state;
        _commit = new GroupCommit(WriteAsync, DeactivateOnIdle);
    }

    // Built on activation (before any change is queued) and after each successful write: only stored entries.
    private NameIndexSnapshot Stored => _stored ?? throw new InvalidOperationException($"name index {this.GetPrimaryKeyString()} is not activated");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = NameIndexSnapshot.Of(_state.State.Entries);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task SetAsync(string name, IReadOnlyDictionary<string, string> attributes)
    {
        var latest = _pending.TryGetValue(name, out var pending) ? pending : _state.State.Entries.GetValueOrDefault(name);
        if (latest is not null && SameAttributes(latest, attributes))
        {
            // Nothing new; but a caller must not return before the entry it asked for is stored.
            return Stored.TryGetValue(name, out var stored) && SameAttributes(stored, attributes) ? Task.CompletedTask : _commit.CommitAsync();
        }
        _pending[name] = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        return _commit.CommitAsync();
    }

    public Task RemoveAsync(string name)
    {
        var present = _pending.TryGetValue(name, out var pending) ? pending is not null : _state.State.Entries.ContainsKey(name);
        if (!present)
        {
            return Stored.ContainsKey(name) ? _commit.CommitAsync() : Task.CompletedTask;
        }
        _pending[name] = null;
        return _commit.CommitAsync();
    }

    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string name) =>
        Task.FromResult(Stored.TryGetValue(name, out var attributes) ? attributes : null);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ListAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(Stored);

    private async Task WriteAsync()
    {
        // Synchronous up to the write: the pending changes go into the state in one step.
        foreach (var (name, attributes) in _pending)
        {
            if (attributes is null)
            {
                _state.State.Entries.Remove(name);
            }
            else
            {
                _state.State.Entries[name] = attributes;
            }
        }
        _pending.Clear();
        await _state.WriteStateAsync();
        // Attribute dictionaries are replaced, never changed in place, so the snapshot may share them.
        _stored = NameIndexSnapshot.Of(_state.State.Entries);
    }

    private static bool SameAttributes(IReadOnlyDictionary<string, string> existing, IReadOnlyDictionary<string, string> attributes) =>
        existing.Count == attributes.Count
        && attributes.All(pair => existing.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
