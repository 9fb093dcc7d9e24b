namespace GitOpsFleet.Hub.Grains;

/// <summary>The hub's bounded event log (key: "default"), newest last.</summary>
public interface IEventLogGrain : IGrainWithStringKey
{
    Task<EventRecord> AppendAsync(string type, string obj, string message, string actor);

    /// <summary>The newest <paramref name="limit"/> events, optionally for one object ("cluster/NAME").</summary>
    Task<IReadOnlyList<EventRecord>> ListAsync(int limit, string obj);

    /// <summary>Events with an id above <paramref name="afterId"/>, oldest first (for watchers).</summary>
    Task<IReadOnlyList<EventRecord>> ListAfterAsync(long afterId, string obj);
}
