using Orleans.Concurrency;

namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class EventLogState
{
    [Id(0)] public long LastId { get; set; }
    [Id(1)] public List<EventRecord> Events { get; set; } = [];
}

/// <summary>
/// The hub's bounded event log. Reentrant so that appends arriving while the log is being written (every agent
/// connect and disconnect appends one) share the next write (<see cref="GroupCommit"/>) instead of rewriting all
/// kept events once each. Ids are given in call order when an append arrives, and events are stored in id order.
/// </summary>
/// <remarks>
/// Await points: only the write in <see cref="WriteAsync"/>. An append queues its record (synchronously) and waits
/// for the write that carries it; the state's list changes only at the start of a write, when no other write is in
/// flight. Reads show stored events only (id up to <see cref="_storedLastId"/>), so a watcher never sees an event
/// that a failed write then loses, nor a later id before an earlier one.
/// </remarks>
[Reentrant]
internal sealed class EventLogGrain : Grain, IEventLogGrain
{
    /// <summary>How many events are kept; older ones fall off.</summary>
    internal const int Capacity = 1000;

    private readonly IPersistentState<EventLogState> _state;
    private readonly GroupCommit _commit;
    private readonly List<EventRecord> _pending = [];
    private long _nextId;
    private long _storedLastId;

    public EventLogGrain([PersistentState("events")] IPersistentState<EventLogState> state)
    {
        _state = state;
        _commit = new GroupCommit(WriteAsync, DeactivateOnIdle);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _nextId = _storedLastId = _state.State.LastId;
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<EventRecord> AppendAsync(string type, string obj, string message, string actor)
    {
        var record = new EventRecord(++_nextId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), type, obj, message, actor);
        _pending.Add(record);
        await _commit.CommitAsync();
        return record;
    }

    public Task<IReadOnlyList<EventRecord>> ListAsync(int limit, string obj)
    {
        var matching = Stored().Where(e => Matches(e, obj)).ToList();
        var take = limit <= 0 ? matching.Count : Math.Min(limit, matching.Count);
        return Task.FromResult<IReadOnlyList<EventRecord>>(matching.Skip(matching.Count - take).ToList());
    }

    public Task<IReadOnlyList<EventRecord>> ListAfterAsync(long afterId, string obj) =>
        Task.FromResult<IReadOnlyList<EventRecord>>(Stored().Where(e => e.Id > afterId && Matches(e, obj)).ToList());

    // The list may end with events of a write still in flight: leave those out.
    private IEnumerable<EventRecord> Stored() => _state.State.Events.TakeWhile(e => e.Id <= _storedLastId);

    private async Task WriteAsync()
    {
        // Synchronous up to the write: the queued records go into the state in one step, oldest dropped.
        var events = _state.State.Events;
        events.AddRange(_pending);
        _pending.Clear();
        if (events.Count > Capacity)
        {
            events.RemoveRange(0, events.Count - Capacity);
        }
        var lastId = events.Count > 0 ? events[^1].Id : _state.State.LastId;
        _state.State.LastId = lastId;
        await _state.WriteStateAsync();
        _storedLastId = lastId;
    }

    private static bool Matches(EventRecord record, string obj) => string.IsNullOrEmpty(obj) || record.Object == obj;
}
