using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Inventory;

/// <summary>Keeps each application's inventory (the keys it applied) in a ConfigMap in the agent namespace.</summary>
public sealed class InventoryStore(KubeRestClient client, string agentNamespace)
{
    private const string EntriesKey = "entries";

    public static string ConfigMapName(string app) => WellKnown.InventoryPrefix + app;

    private string Path(string app) => $"/api/v1/namespaces/{agentNamespace}/configmaps/{ConfigMapName(app)}";

    /// <summary>The recorded keys; null when the application has no inventory yet.</summary>
    public async Task<IReadOnlyList<ResourceKey>?> LoadAsync(string app, CancellationToken cancellationToken)
    {
        var configMap = await client.GetAsync(Path(app), cancellationToken).ConfigureAwait(false);
        if (configMap is null)
        {
            return null;
        }
        var entries = configMap.Str("data", EntriesKey) ?? "";
        return entries.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResourceKey.Parse).ToList();
    }

    public async Task SaveAsync(string app, IEnumerable<ResourceKey> keys, CancellationToken cancellationToken)
    {
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
            ["data"] = new JsonObject { [EntriesKey] = string.Join('\n', keys.Select(k => k.Format()).Distinct().Order(StringComparer.Ordinal)) },
        };
        await client.ApplyAsync(Path(app), body, WellKnown.FieldManager, force: true, dryRun: false, cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAsync(string app, CancellationToken cancellationToken) => client.DeleteAsync(Path(app), cancellationToken);

    /// <summary>Keys of the previous inventory that the new desired set no longer has (what prune deletes).</summary>
    public static IReadOnlyList<ResourceKey> Stale(IEnumerable<ResourceKey> previous, IEnumerable<ResourceKey> desired)
    {
        var keep = desired.Select(k => k.Identity).ToHashSet(StringComparer.Ordinal);
        return previous.Where(k => !keep.Contains(k.Identity)).DistinctBy(k => k.Identity).ToList();
    }
}
