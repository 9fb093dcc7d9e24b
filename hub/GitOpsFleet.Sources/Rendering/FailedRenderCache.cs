using System.Collections.Concurrent;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>Recent render failures by render key, each kept for a fixed time; bounded in count.</summary>
internal sealed class FailedRenderCache(TimeSpan retryAfter, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (string Message, DateTimeOffset Until)> _failures = new(StringComparer.Ordinal);

    public bool TryGet(string key, out string message)
    {
        message = string.Empty;
        if (!_failures.TryGetValue(key, out var failure)) return false;
        if (failure.Until <= time.GetUtcNow())
        {
            _failures.TryRemove(key, out _);
            return false;
        }

        message = failure.Message;
        return true;
    }

    public void Add(string key, string message)
    {
        if (retryAfter <= TimeSpan.Zero) return;
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxEntries)
        {
            foreach (var (k, v) in _failures)
                if (v.Until <= now) _failures.TryRemove(k, out _);
            if (_failures.Count >= MaxEntries) _failures.Clear();
        }

        _failures[key] = (message, now + retryAfter);
    }
}
