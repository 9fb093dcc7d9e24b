using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Sync;

public sealed partial class ResourceManager
{
    // Kinds whose children (through ownerReferences) we show in the resource tree, and where to look.
    private static readonly Dictionary<string, (string ApiVersion, string Kind)[]> ChildKinds = new()
    {
        ["Deployment"] = [("apps/v1", "ReplicaSet")],
        ["ReplicaSet"] = [("v1", "Pod")],
        ["StatefulSet"] = [("v1", "Pod")],
        ["DaemonSet"] = [("v1", "Pod")],
        ["Job"] = [("v1", "Pod")],
        ["CronJob"] = [("batch/v1", "Job")],
    };

    /// <summary>Health of each key, its children, and the application's overall health.</summary>
    public Task<AppHealthReport> AssessAsync(IReadOnlyList<ResourceKey> keys, IReadOnlySet<ResourceKey>? outOfSync, CancellationToken cancellationToken)
        => AssessAsync(keys, outOfSync, [], cancellationToken);

    /// <summary>Health of each key (the application's <paramref name="healthRules"/> first), its children, and the overall health.</summary>
    public Task<AppHealthReport> AssessAsync(IReadOnlyList<ResourceKey> keys, IReadOnlySet<ResourceKey>? outOfSync, IReadOnlyList<HealthRule> healthRules, CancellationToken cancellationToken)
        => AssessAsync(keys, outOfSync, healthRules, null, cancellationToken);

    /// <summary>
    /// As above, taking the objects in <paramref name="known"/> (by <see cref="ResourceKey.Identity"/>, e.g.
    /// <see cref="SyncResult.Applied"/> of a sync that just ended) as live instead of reading them again.
    /// </summary>
    public async Task<AppHealthReport> AssessAsync(IReadOnlyList<ResourceKey> keys, IReadOnlySet<ResourceKey>? outOfSync, IReadOnlyList<HealthRule> healthRules, IReadOnlyDictionary<string, JsonObject>? known, CancellationToken cancellationToken)
    {
        var rows = new List<ResourceStatusRow>();
        var seen = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        // One list per (kind, namespace) per assessment: 60 Deployments in one namespace list ReplicaSets once, not 60 times.
        var lists = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            JsonObject? live;
            try
            {
                live = known is not null && known.TryGetValue(key.Identity, out var applied)
                    ? applied
                    : await GetLiveAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException ex)
            {
                rows.Add(new ResourceStatusRow(key, new HealthResult(HealthState.Unknown, Describe(key, "read", ex)), outOfSync?.Contains(key) ?? false, []));
                continue;
            }
            if (live is not null)
            {
                seen[key.Identity] = live;
            }
            var children = live is null ? [] : await ChildrenAsync(key, live, lists, cancellationToken).ConfigureAwait(false);
            rows.Add(new ResourceStatusRow(key, HealthEvaluator.Evaluate(live, healthRules), (outOfSync?.Contains(key) ?? false) || live is null, children));
        }
        return new AppHealthReport(rows, HealthEvaluator.Aggregate(rows.Select(r => r.Health.State))) { Live = seen };
    }

    /// <summary>
    /// Keys whose live object differs from what applying the desired object would make it (server-side
    /// dry-run), after ignored fields are removed. Missing objects count as drift.
    /// </summary>
    public async Task<IReadOnlySet<ResourceKey>> DetectDriftAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var drifted = new HashSet<ResourceKey>();
        var prepared = await _preparer.PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var obj in prepared.Where(p => !p.IsHook && p.Resource is not null))
        {
            var path = obj.Resource!.ObjectPath(obj.Key.Namespace, obj.Key.Name);
            try
            {
                var live = await _client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                if (live is null)
                {
                    drifted.Add(obj.Key);
                    continue;
                }
                // force: what we would make of it, even where another manager holds a field now.
                var dry = await _client.ApplyAsync(path, obj.Body, WellKnown.FieldManager, force: true, dryRun: true, cancellationToken).ConfigureAwait(false);
                var a = Normalize(live);
                var b = Normalize(dry);
                IgnoreFields.Strip(a, obj.Key, request.Options.IgnoreFields);
                IgnoreFields.Strip(b, obj.Key, request.Options.IgnoreFields);
                if (!JsonNode.DeepEquals(a, b))
                {
                    drifted.Add(obj.Key);
                }
            }
            catch (KubeApiException)
            {
                drifted.Add(obj.Key);
            }
        }
        return drifted;
    }

    private async Task<IReadOnlyList<ResourceKey>> ChildrenAsync(ResourceKey key, JsonObject live, Dictionary<string, JsonObject?> lists, CancellationToken cancellationToken)
    {
        if (!ChildKinds.TryGetValue(key.Kind, out var childKinds) || live.Str("metadata", "uid") is not { } uid)
        {
            return [];
        }
        var children = new List<ResourceKey>();
        foreach (var (apiVersion, kind) in childKinds)
        {
            var resource = await _catalog.FindAsync(apiVersion, kind, cancellationToken).ConfigureAwait(false);
            if (resource is null)
            {
                continue;
            }
            var path = resource.CollectionPath(key.Namespace);
            if (!lists.TryGetValue(path, out var list))
            {
                list = await _client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                lists[path] = list;
            }
            foreach (var item in list.Objects("items"))
            {
                if (item.Objects("metadata", "ownerReferences").Any(o => o.Str("uid") == uid))
                {
                    children.Add(new ResourceKey(resource.Group, resource.Version, kind, key.Namespace, item.Str("metadata", "name") ?? ""));
                }
            }
        }
        return children;
    }
}
