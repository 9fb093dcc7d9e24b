namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class EventLogState
{
    [Id(0)] public long LastId { get; set; }
    [Id(1)] public List<EventRecord> Events { get; set; } = [];
}

internal sealed class EventLogGrain([PersistentState("events")] IPersistentState<EventLogState> state) : Grain, IEventLogGrain
{
    /// <summary>How many events are kept; older ones fall off.</summary>
    internal const int Capacity = 1000;

    public async Task<EventRecord> AppendAsync(string type, string obj, string message, string actor)
    {
        var record = new EventRecord(++state.State.LastId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), type, obj, message, actor);
        state.State.Events.Add(record);
        if (state.State.Events.Count > Capacity)
        {
            state.State.Events.RemoveRange(0, state.State.Events.Count - Capacity);
        }
        await state.WriteStateAsync();
        return record;
    }

    public Task<IReadOnlyList<EventRecord>> ListAsync(int limit, string obj)
    {
        var matching = state.State.Events.Where(e => Matches(e, obj)).ToList();
        var take = limit <= 0 ? matching.Count : Math.Min(limit, matching.Count);
        return Task.FromResult<IReadOnlyList<EventRecord>>(matching.Skip(matching.Count - take).ToList());
    }

    public Task<IReadOnlyList<EventRecord>> ListAfterAsync(long afterId, string obj) =>
        Task.FromResult<IReadOnlyList<EventRecord>>(state.State.Events.Where(e => e.Id > afterId && Matches(e, obj)).ToList());

    private static bool Matches(EventRecord record, string obj) => string.IsNullOrEmpty(obj) || record.Object == obj;
}
