using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Inventory;

/// <summary>Keeps each application's inventory (the keys it applied) in a ConfigMap in the agent namespace.</summary>
public sealed class InventoryStore(KubeRestClient client, string agentNamespace)
{
    private const string EntriesKey = "entries";

    // app -> the entries text last read from or written to the ConfigMap. Every sync loads first, so this is
    // fresh when a save compares against it; an equal save is skipped (an apply that changes nothing).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _stored = new(StringComparer.Ordinal);

    public static string ConfigMapName(string app) => WellKnown.InventoryPrefix + app;

    private string Path(string app) => $"/api/v1/namespaces/{agentNamespace}/configmaps/{ConfigMapName(app)}";

    /// <summary>The recorded keys; null when the application has no inventory yet.</summary>
    public async Task<IReadOnlyList<ResourceKey>?> LoadAsync(string app, CancellationToken cancellationToken)
    {
        var configMap = await client.GetAsync(Path(app), cancellationToken).ConfigureAwait(false);
        if (configMap is null)
        {
            _stored.TryRemove(app, out _);
            return null;
        }
        var entries = configMap.Str("data", EntriesKey) ?? "";
        _stored[app] = entries;
        return entries.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResourceKey.Parse).ToList();
    }

    /// <summary>Writes the keys; skipped when they are what the ConfigMap held when last read or written.</summary>
    public async Task SaveAsync(string app, IEnumerable<ResourceKey> keys, CancellationToken cancellationToken)
    {
        var entries = string.Join('\n', keys.Select(k => k.Format()).Distinct().Order(StringComparer.Ordinal));
        if (_stored.TryGetValue(app, out var stored) && stored == entries)
        {
            return;
        }
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = ConfigMapName(app),
                ["namespace"] = agentNamespace,
                ["labels"] = new JsonObject { ["gitopsfleet.io/app"] = app, ["gitopsfleet.io/role"] = "inventory" },
            },
            ["data"] = new JsonObject { [EntriesKey] = entries },
        };
        _stored.TryRemove(app, out _); // unknown until the apply answers
        await client.ApplyAsync(Path(app), body, WellKnown.FieldManager, force: true, dryRun: false, cancellationToken).ConfigureAwait(false);
        _stored[app] = entries;
    }

    public Task DeleteAsync(string app, CancellationToken cancellationToken)
    {
        _stored.TryRemove(app, out _);
        return client.DeleteAsync(Path(app), cancellationToken);
    }

    /// <summary>Keys of the previous inventory that the new desired set no longer has (what prune deletes).</summary>
    public static IReadOnlyList<ResourceKey> Stale(IEnumerable<ResourceKey> previous, IEnumerable<ResourceKey> desired)
    {
        var keep = desired.Select(k => k.Identity).ToHashSet(StringComparer.Ordinal);
        return previous.Where(k => !keep.Contains(k.Identity)).DistinctBy(k => k.Identity).ToList();
    }
}
