namespace GitOpsFleet.Sources.Rendering;

/// <summary>Rendered bundles by render key, bounded by their size in bytes; the least recently used leave first.</summary>
internal sealed class RenderCache(long capacityBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public bool TryGet(string key, out RenderedBundle bundle)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                bundle = node.Value.Bundle;
                return true;
            }
        }

        bundle = null!;
        return false;
    }

    public void Add(string key, RenderedBundle bundle)
    {
        var size = SizeOf(key, bundle);
        if (size > capacityBytes) return; // would evict everything and still not fit
        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _recency.Remove(existing);
                _bytes -= existing.Value.Size;
            }

            while (_bytes + size > capacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Size;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, bundle, size));
            _bytes += size;
        }
    }

    // UTF-16 strings: two bytes a character, plus a rough per-object overhead.
    private static long SizeOf(string key, RenderedBundle bundle) =>
        (key.Length + bundle.Hash.Length + bundle.ManifestsJson.Sum(m => (long)m.Length)) * 2 + 64L * (bundle.ManifestsJson.Count + 2);

    private sealed record Entry(string Key, RenderedBundle Bundle, long Size);
}
