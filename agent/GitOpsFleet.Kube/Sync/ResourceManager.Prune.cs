using GitOpsFleet.Kube.Inventory;
using GitOpsFleet.Kube.Ordering;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Sync;

public sealed partial class ResourceManager
{
    /// <summary>
    /// Deletes what the previous inventory has and the bundle no longer has; returns the keys that stay
    /// in the inventory (not pruned because prune is off, or deletion failed).
    /// </summary>
    private async Task<IReadOnlyList<ResourceKey>> PruneStaleAsync(string app, IReadOnlyList<ResourceKey> previous, IReadOnlyList<ResourceKey> desired,
        bool bundleEmpty, SyncOptions options, List<ResourceResult> results, CancellationToken cancellationToken)
    {
        var stale = InventoryStore.Stale(previous, desired);
        if (stale.Count == 0)
        {
            return [];
        }
        if (!options.Prune || (bundleEmpty && !options.AllowEmpty))
        {
            // Kept in the inventory so that a later sync with prune on can still delete them.
            var why = options.Prune ? "not pruned: the bundle is empty and allow_empty is off" : "requires pruning (prune is off)";
            results.AddRange(stale.Select(k => new ResourceResult(k, ResourceAction.Skipped, why)));
            return stale;
        }
        return await DeleteKeysAsync(app, stale, results, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes an application: deletes its inventory's objects when prune, else just forgets them (orphan).</summary>
    public async Task<IReadOnlyList<ResourceResult>> RemoveAsync(string app, bool prune, CancellationToken cancellationToken)
    {
        var results = new List<ResourceResult>();
        var inventory = await _inventory.LoadAsync(app, cancellationToken).ConfigureAwait(false) ?? [];
        if (prune)
        {
            var left = await DeleteKeysAsync(app, inventory, results, cancellationToken).ConfigureAwait(false);
            if (left.Count > 0)
            {
                await _inventory.SaveAsync(app, left, cancellationToken).ConfigureAwait(false);
                return results;
            }
        }
        await _inventory.DeleteAsync(app, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private async Task<IReadOnlyList<ResourceKey>> DeleteKeysAsync(string app, IReadOnlyList<ResourceKey> keys, List<ResourceResult> results, CancellationToken cancellationToken)
    {
        var left = new List<ResourceKey>();
        // Reverse apply order: workloads before their config, namespaces and CRDs last.
        foreach (var key in keys.OrderByDescending(k => ApplyOrder.KindRank(k.Kind)).ThenBy(k => k.Namespace).ThenBy(k => k.Name))
        {
            try
            {
                var resource = await _catalog.FindAsync(key.ApiVersion, key.Kind, cancellationToken).ConfigureAwait(false);
                var live = resource is null ? null : await _client.GetAsync(resource.ObjectPath(key.Namespace, key.Name), cancellationToken).ConfigureAwait(false);
                if (live is null)
                {
                    continue; // already gone (or its CRD is): nothing to delete, nothing to remember
                }
                if (live.Str("metadata", "annotations", WellKnown.PruneAnnotation) == "false")
                {
                    results.Add(new ResourceResult(key, ResourceAction.Skipped, $"{key} kept: annotated {WellKnown.PruneAnnotation}=false"));
                    continue;
                }
                var tracking = live.Str("metadata", "annotations", WellKnown.TrackingIdAnnotation);
                if (tracking is not null && !tracking.StartsWith(app + ":", StringComparison.Ordinal))
                {
                    results.Add(new ResourceResult(key, ResourceAction.Skipped, $"{key} kept: now tracked by another application ({tracking})"));
                    continue;
                }
                await _client.DeleteAsync(resource!.ObjectPath(key.Namespace, key.Name), cancellationToken).ConfigureAwait(false);
                results.Add(new ResourceResult(key, ResourceAction.Pruned));
            }
            catch (KubeApiException ex)
            {
                left.Add(key);
                results.Add(new ResourceResult(key, ResourceAction.Failed, Describe(key, "prune", ex)));
            }
        }
        return left;
    }
}
