using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Inventory;
using GitOpsFleet.Kube.Ordering;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Sync;

public sealed partial class ResourceManager
{
    /// <summary>
    /// Syncs an application: PreSync hooks, then each wave in kind order (a wave waits for the previous
    /// one to be healthy), prune, PostSync hooks; SyncFail hooks when something failed.
    /// </summary>
    public async Task<SyncResult> SyncAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var options = request.Options;
        var prepared = await _preparer.PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var hooks = prepared.Where(p => p.IsHook).ToList();
        var main = prepared.Where(p => !p.IsHook).ToList();
        var results = new List<ResourceResult>();
        var applied = new Dictionary<string, JsonObject>(StringComparer.Ordinal);

        if (main.Any(p => p.Key.Namespace == options.DefaultNamespace)
            && !main.Any(p => p.Key.Kind == "Namespace" && p.Key.Group.Length == 0 && p.Key.Name == options.DefaultNamespace))
        {
            await EnsureNamespaceAsync(options.DefaultNamespace, cancellationToken).ConfigureAwait(false);
        }

        var previous = await _inventory.LoadAsync(request.App, cancellationToken).ConfigureAwait(false) ?? [];
        var desiredKeys = main.Where(p => p.Resource is not null).Select(p => p.Key).ToList();
        // Record what we are about to create before creating it, so a crash mid-sync cannot leak objects.
        await _inventory.SaveAsync(request.App, previous.Concat(desiredKeys), cancellationToken).ConfigureAwait(false);

        var hookFailed = false;
        var failureMessage = "";
        var preSync = await RunHooksAsync(hooks, SyncPhase.PreSync, options, results, cancellationToken).ConfigureAwait(false);
        if (preSync is not null)
        {
            hookFailed = true;
            failureMessage = preSync;
            results.AddRange(main.Select(p => new ResourceResult(p.Key, ResourceAction.Skipped, "not applied: a PreSync hook failed")));
        }
        else
        {
            failureMessage = await ApplyWavesAsync(request.App, main, options, results, applied, cancellationToken).ConfigureAwait(false) ?? "";
        }

        var remaining = desiredKeys.ToList();
        if (!hookFailed)
        {
            remaining.AddRange(await PruneStaleAsync(request.App, previous, desiredKeys, main.Count == 0, options, results, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            remaining.AddRange(InventoryStore.Stale(previous, desiredKeys));
        }
        await _inventory.SaveAsync(request.App, remaining, cancellationToken).ConfigureAwait(false);

        var anyFailed = results.Any(r => r.Action == ResourceAction.Failed);
        if (!hookFailed && !anyFailed && hooks.Any(h => h.HookPhases.Contains(SyncPhase.PostSync)))
        {
            var health = await WaitHealthyAsync(main.Select(p => p.Key).ToList(), options.WaveTimeout, options.HealthRules, cancellationToken).ConfigureAwait(false);
            var postSync = health ?? await RunHooksAsync(hooks, SyncPhase.PostSync, options, results, cancellationToken).ConfigureAwait(false);
            if (postSync is not null)
            {
                hookFailed = true;
                failureMessage = postSync;
            }
        }
        if (hookFailed || anyFailed)
        {
            await RunHooksAsync(hooks, SyncPhase.SyncFail, options, results, cancellationToken).ConfigureAwait(false);
        }

        var message = hookFailed || anyFailed
            ? (failureMessage.Length > 0 ? failureMessage : string.Join("; ", results.Where(r => r.Action == ResourceAction.Failed).Select(r => r.Message)))
            : $"applied {results.Count(r => r.Action is ResourceAction.Created or ResourceAction.Configured or ResourceAction.Unchanged)} objects"
              + (results.Any(r => r.Action == ResourceAction.Pruned) ? $", pruned {results.Count(r => r.Action == ResourceAction.Pruned)}" : "");
        return new SyncResult(request.App, results, remaining, message) { HookFailed = hookFailed, Applied = hooks.Count == 0 ? applied : null };
    }

    private async Task<string?> ApplyWavesAsync(string app, List<PreparedObject> main, SyncOptions options, List<ResourceResult> results, Dictionary<string, JsonObject> applied, CancellationToken cancellationToken)
    {
        var waves = main.GroupBy(p => ApplyOrder.Wave(p.Body)).OrderBy(g => g.Key).ToList();
        for (var i = 0; i < waves.Count; i++)
        {
            var waveResults = new List<ResourceResult>();
            foreach (var obj in ApplyOrder.Sort(waves[i], p => p.Body))
            {
                waveResults.Add(await ApplyOneAsync(obj, options.ForceConflicts, applied, cancellationToken).ConfigureAwait(false));
            }
            results.AddRange(waveResults);
            var later = waves.Skip(i + 1).SelectMany(w => w).ToList();
            if (later.Count == 0)
            {
                break;
            }
            if (waveResults.Any(r => r.Action == ResourceAction.Failed))
            {
                results.AddRange(later.Select(p => new ResourceResult(p.Key, ResourceAction.Skipped, $"not applied: wave {waves[i].Key} failed")));
                return $"wave {waves[i].Key} of {app} failed";
            }
            // Why wait: a later wave may depend on this one running (a migration Job before the app).
            var unhealthy = await WaitHealthyAsync(waves[i].Select(p => p.Key).ToList(), options.WaveTimeout, options.HealthRules, cancellationToken).ConfigureAwait(false);
            foreach (var p in waves[i])
            {
                applied.Remove(p.Key.Identity); // read again while waiting: the snapshot is stale
            }
            if (unhealthy is not null)
            {
                results.AddRange(later.Select(p => new ResourceResult(p.Key, ResourceAction.Skipped, $"not applied: wave {waves[i].Key} is not healthy")));
                return $"wave {waves[i].Key} did not become healthy: {unhealthy}";
            }
        }
        return null;
    }

    /// <summary>
    /// Applies one object with one real apply, read first only when its last version is not known (see
    /// ResourceManager.LiveVersions.cs). An apply that changes nothing is not stored (a real API server keeps the
    /// resourceVersion), so the same resourceVersion before and after means Unchanged; no dry-run round trip is
    /// needed for that.
    /// </summary>
    private async Task<ResourceResult> ApplyOneAsync(PreparedObject obj, bool force, Dictionary<string, JsonObject>? appliedObjects, CancellationToken cancellationToken)
    {
        if (obj.Error is not null)
        {
            return new ResourceResult(obj.Key, ResourceAction.Failed, $"{obj.Key} {obj.Error}");
        }
        var path = obj.Resource!.ObjectPath(obj.Key.Namespace, obj.Key.Name);
        if (!TryGetLiveVersion(obj.Key, out var knownVersion))
        {
            try
            {
                knownVersion = (await _client.GetAsync(path, cancellationToken).ConfigureAwait(false))?.Str("metadata", "resourceVersion");
            }
            catch (KubeApiException ex)
            {
                return new ResourceResult(obj.Key, ResourceAction.Failed, Describe(obj.Key, "read", ex));
            }
        }
        AppliedObject outcome;
        try
        {
            outcome = await _client.ApplyWithOutcomeAsync(path, obj.Body, WellKnown.FieldManager, force, dryRun: false, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException ex)
        {
            return new ResourceResult(obj.Key, ResourceAction.Failed, Describe(obj.Key, "apply", ex));
        }
        var applied = outcome.Object;
        if (appliedObjects is not null && !obj.IsCrd)
        {
            appliedObjects[obj.Key.Identity] = applied; // a CRD is read again below until Established
        }
        var appliedVersion = applied.Str("metadata", "resourceVersion");
        RememberApplied(obj.Key, appliedVersion);
        if (!outcome.Created && knownVersion is not null && knownVersion == appliedVersion)
        {
            return new ResourceResult(obj.Key, ResourceAction.Unchanged) { ResourceVersion = appliedVersion };
        }
        if (obj.IsCrd)
        {
            var established = await WaitHealthyAsync([obj.Key], TimeSpan.FromSeconds(30), [], cancellationToken).ConfigureAwait(false);
            foreach (var version in obj.Body.Objects("spec", "versions"))
            {
                _catalog.Invalidate($"{obj.Body.Str("spec", "group")}/{version.Str("name")}");
            }
            if (established is not null)
            {
                return new ResourceResult(obj.Key, ResourceAction.Failed, $"{obj.Key} was applied but is not established: {established}");
            }
        }
        // A 201 says created; a server that answers 200 either way (some proxies) still has "not there before".
        var created = outcome.Created || knownVersion is null;
        return new ResourceResult(obj.Key, created ? ResourceAction.Created : ResourceAction.Configured) { ResourceVersion = appliedVersion };
    }

    /// <summary>Polls until every key is Healthy (or Suspended); null on success, else why not.</summary>
    internal async Task<string?> WaitHealthyAsync(IReadOnlyList<ResourceKey> keys, TimeSpan timeout, IReadOnlyList<HealthRule> rules, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            string? pending = null;
            foreach (var key in keys)
            {
                var health = HealthEvaluator.Evaluate(await GetLiveAsync(key, cancellationToken).ConfigureAwait(false), rules);
                if (health.State == HealthState.Degraded)
                {
                    return $"{key} is Degraded: {health.Message}";
                }
                if (health.State is not (HealthState.Healthy or HealthState.Suspended))
                {
                    pending = $"{key} is {health.State}: {health.Message}";
                    break;
                }
            }
            if (pending is null)
            {
                return null;
            }
            if (_time.GetUtcNow() >= deadline)
            {
                return pending;
            }
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}
