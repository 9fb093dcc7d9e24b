using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Store;

/// <summary>
/// The objects of one cluster, one monotonic resourceVersion counter, a bounded event history for
/// watch resumption, and the live watchers. Callers hold <see cref="Sync"/> around every call so a
/// read-check-write sequence is atomic; nothing here blocks or allocates while a cluster is idle.
/// </summary>
internal sealed class ClusterStore(int historySize)
{
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _byResource = new(StringComparer.Ordinal);
    private Queue<WatchEvent>? _history;
    private List<Watcher>? _watchers;
    private long _resourceVersion;
    // Events at or below this version have been dropped from history: older watches get 410.
    private long _historyFloor;

    public Lock Sync { get; } = new();

    public long ResourceVersion => _resourceVersion;

    public long HistoryFloor => _historyFloor;

    public static string KeyOf(string? ns, string name) => ns is null ? name : ns + "/" + name;

    public StoredObject? Get(string resourceKey, string? ns, string name) =>
        _byResource.TryGetValue(resourceKey, out var map) && map.TryGetValue(KeyOf(ns, name), out var o) ? o : null;

    /// <summary>Objects of one resource in key order, optionally in one namespace and after a key.</summary>
    public IEnumerable<(string Key, StoredObject Object)> List(string resourceKey, string? ns, string? afterKey = null)
    {
        if (!_byResource.TryGetValue(resourceKey, out var map))
        {
            yield break;
        }
        foreach (var (key, o) in map)
        {
            if (afterKey is not null && string.CompareOrdinal(key, afterKey) <= 0)
            {
                continue;
            }
            if (ns is not null && o.Namespace != ns)
            {
                continue;
            }
            yield return (key, o);
        }
    }

    public int Count(string resourceKey) => _byResource.TryGetValue(resourceKey, out var map) ? map.Count : 0;

    public IEnumerable<string> ResourceKeys => _byResource.Keys;

    public long NextResourceVersion() => ++_resourceVersion;

    /// <summary>Stores the object (whose metadata.resourceVersion the caller already set to <paramref name="rv"/>) and tells watchers.</summary>
    public StoredObject Put(string resourceKey, string? ns, string name, long rv, JsonObject obj, bool added)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(obj);
        var stored = new StoredObject(ns, name, rv, json);
        if (!_byResource.TryGetValue(resourceKey, out var map))
        {
            map = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            _byResource[resourceKey] = map;
        }
        map[KeyOf(ns, name)] = stored;
        Record(new WatchEvent(added ? "ADDED" : "MODIFIED", resourceKey, ns, name, rv, json));
        return stored;
    }

    /// <summary>Removes the object; the DELETED event carries <paramref name="finalState"/> at a fresh resourceVersion.</summary>
    public void Remove(string resourceKey, string? ns, string name, long rv, JsonObject finalState)
    {
        if (_byResource.TryGetValue(resourceKey, out var map) && map.Remove(KeyOf(ns, name)))
        {
            if (map.Count == 0)
            {
                _byResource.Remove(resourceKey);
            }
            Record(new WatchEvent("DELETED", resourceKey, ns, name, rv, JsonSerializer.SerializeToUtf8Bytes(finalState)));
        }
    }

    private void Record(WatchEvent e)
    {
        _history ??= new Queue<WatchEvent>();
        _history.Enqueue(e);
        while (_history.Count > historySize)
        {
            _historyFloor = _history.Dequeue().ResourceVersion;
        }
        if (_watchers is null)
        {
            return;
        }
        foreach (var w in _watchers)
        {
            if (w.Matches(e))
            {
                w.Events.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>Registers a watcher and returns the recorded events after <paramref name="sinceRv"/> for it, or null when they are gone.</summary>
    public List<WatchEvent>? AddWatcher(Watcher watcher, long sinceRv)
    {
        if (sinceRv < _historyFloor)
        {
            return null;
        }
        var replay = new List<WatchEvent>();
        if (_history is not null)
        {
            foreach (var e in _history)
            {
                if (e.ResourceVersion > sinceRv && watcher.Matches(e))
                {
                    replay.Add(e);
                }
            }
        }
        (_watchers ??= []).Add(watcher);
        return replay;
    }

    public void RemoveWatcher(Watcher watcher)
    {
        _watchers?.Remove(watcher);
        if (_watchers is { Count: 0 })
        {
            _watchers = null;
        }
        watcher.Events.Writer.TryComplete();
    }

    /// <summary>Ends every watch (cluster removal).</summary>
    public void CloseWatchers()
    {
        foreach (var w in _watchers ?? [])
        {
            w.Events.Writer.TryComplete();
        }
        _watchers = null;
    }
}
