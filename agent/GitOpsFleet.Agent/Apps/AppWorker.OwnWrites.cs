using GitOpsFleet.Kube.Sync;

namespace GitOpsFleet.Agent.Apps;

/// <summary>
/// Tells the worker's own writes from others' in watch events. Every object a sync writes comes back as a
/// watch event; checking drift for those (a read and a server-side dry-run per object) would cost as much
/// as the sync itself and cannot find anything, so an event whose resourceVersion is the one our apply
/// returned for that object is not a reason for a drift check. Any other change still is.
/// </summary>
internal sealed partial class AppWorker
{
    // Guarded by _gate: identity -> resourceVersion our last sync left the object at.
    private readonly Dictionary<string, string> _ownVersions = new(StringComparer.Ordinal);

    // Owned by the loop: the last sync's objects as its applies returned them, until the next assessment.
    private IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject>? _justApplied;

    // Owned by the loop: the objects the last assessment saw, kept only while the application is still settling
    // (Progressing or Missing), when watch events bring one reassessment after another.
    private IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject>? _lastAssessed;

    // Guarded by _gate: identities a watch event reported since the last assessment began.
    private readonly HashSet<string> _changedSinceAssess = new(StringComparer.Ordinal);

    /// <summary>
    /// What an assessment may take as live without reading it: the objects the last sync applied, or, for a
    /// reassessment that only watch events asked for, the last assessment's objects that no event has reported
    /// changed since. Why: during a rollout every status event of one Deployment re-read every object of the
    /// application; a timed, requested or post-drift-check assessment still reads everything.
    /// </summary>
    private IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject>? TakeKnownObjects(IReadOnlySet<string>? changed)
    {
        var known = _justApplied;
        _justApplied = null;
        if (known is null && changed is not null && _lastAssessed is { } last)
        {
            known = last.Where(kv => !changed.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        }
        return known;
    }

    // Guarded by _gate: changes seen while no drift check has run yet (identity, resourceVersion).
    private readonly List<(string Identity, string? ResourceVersion)> _pendingChanges = [];

    /// <summary>A watched object changed (not only its status): check drift soon, unless the change is our own last write.</summary>
    public void RequestDriftCheck(Kube.ResourceKey key, string? resourceVersion) => Signal(() =>
    {
        if (IsOwnWrite(key.Identity, resourceVersion))
        {
            return;
        }
        _changedSinceAssess.Add(key.Identity);
        _pendingChanges.Add((key.Identity, resourceVersion));
        _driftSoon = true;
    });

    /// <summary>After a sync: remember what it wrote, and drop the changes seen during it that were its own writes.</summary>
    private void RecordOwnWrites(SyncResult result)
    {
        lock (_gate)
        {
            _ownVersions.Clear();
            foreach (var r in result.Resources)
            {
                if (r.ResourceVersion is { } rv)
                {
                    _ownVersions[r.Key.Identity] = rv;
                }
            }
            _pendingChanges.RemoveAll(c => IsOwnWrite(c.Identity, c.ResourceVersion));
            if (_pendingChanges.Count == 0)
            {
                _driftSoon = false;
            }
        }
    }

    private bool IsOwnWrite(string identity, string? resourceVersion)
        => resourceVersion is not null && _ownVersions.TryGetValue(identity, out var own) && own == resourceVersion;
}
