using System.Collections.Concurrent;
using System.Globalization;

namespace GitOpsFleet.Kube.Sync;

/// <summary>
/// The resourceVersion each applied object was last seen at, so an apply need not read the object first.
/// Why: a read before every apply only tells Unchanged from Configured, and it was half of an agent's requests
/// per sync. With this on, an apply whose answer keeps the version last seen is Unchanged, a new version is
/// Configured, a 201 is Created; an object not seen yet is still read first.
/// </summary>
public sealed partial class ResourceManager
{
    private ConcurrentDictionary<string, string>? _liveVersions;

    /// <summary>
    /// Trusts the versions of this manager's own applies and of <see cref="NoteLiveVersion"/> instead of reading
    /// each object before applying it. Turn on only where a watch on the applied kinds reports every change:
    /// a change the manager is not told about makes the next no-op apply say Configured instead of Unchanged.
    /// </summary>
    public void TrackLiveVersions() => _liveVersions ??= new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A watch saw <paramref name="key"/> at <paramref name="resourceVersion"/> (null: deleted).</summary>
    public void NoteLiveVersion(ResourceKey key, string? resourceVersion)
    {
        if (_liveVersions is not { } versions)
        {
            return;
        }
        if (resourceVersion is null)
        {
            versions.TryRemove(key.Identity, out _);
            return;
        }
        versions.AddOrUpdate(key.Identity, resourceVersion, (_, seen) => IsOlder(resourceVersion, seen) ? seen : resourceVersion);
    }

    private bool TryGetLiveVersion(ResourceKey key, out string? resourceVersion)
    {
        resourceVersion = null;
        return _liveVersions is { } versions && versions.TryGetValue(key.Identity, out resourceVersion);
    }

    private void RememberApplied(ResourceKey key, string? resourceVersion)
    {
        if (_liveVersions is { } versions && resourceVersion is not null)
        {
            versions[key.Identity] = resourceVersion;
        }
    }

    // resourceVersions are opaque, but every API server we know (etcd revisions, KubeSim) numbers them; a watch
    // event delivered after our own apply must not take the version back. Versions that are not numbers replace.
    private static bool IsOlder(string candidate, string seen)
        => ulong.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
           && ulong.TryParse(seen, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
           && a < b;
}
