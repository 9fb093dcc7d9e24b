using System.Text;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Controllers;
using GitOpsFleet.KubeSim.Model;
using GitOpsFleet.KubeSim.Store;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>
/// The object semantics of one cluster: reads, writes, patches, deletes and watches with the
/// rules a real API server applies (identity fields, generation, optimistic concurrency, status
/// subresources, namespaces, finalizers). HTTP lives elsewhere; controllers call this directly.
/// </summary>
internal sealed partial class ResourceService(ClusterStore store, ResourceRegistry registry, ClusterControllers controllers)
{
    public ClusterStore Store => store;
    public ResourceRegistry Registry => registry;

    internal ClusterControllers Controllers => controllers;

    public static readonly ResourceType NamespaceType = BuiltInResources.All[0];

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name) ?? throw ApiException.NotFound(type, name);
            return Materialize(type, stored);
        }
    }

    public JsonObject? TryGet(ResourceType type, string? ns, string name)
    {
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name);
            return stored is null ? null : Materialize(type, stored);
        }
    }

    /// <summary>A list with selectors and limit/continue paging; the continue token carries the last key returned.</summary>
    public JsonObject List(ResourceType type, string? ns, Selectors selectors, int? limit, string? continueToken)
    {
        string? afterKey = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            afterKey = DecodeContinue(continueToken);
        }
        var items = new JsonArray();
        string? nextKey = null;
        long rv;
        lock (store.Sync)
        {
            rv = store.ResourceVersion;
            string? lastKey = null;
            var remaining = 0L;
            foreach (var (key, stored) in store.List(type.Key, ns, afterKey))
            {
                var obj = Materialize(type, stored);
                if (!selectors.Matches(obj))
                {
                    continue;
                }
                if (limit is > 0 && items.Count >= limit)
                {
                    nextKey = lastKey;
                    remaining++;
                    continue;
                }
                items.Add(obj);
                lastKey = key;
            }
            var metadata = new JsonObject { ["resourceVersion"] = rv.ToString() };
            if (nextKey is not null)
            {
                metadata["continue"] = EncodeContinue(nextKey);
                metadata["remainingItemCount"] = remaining;
            }
            return new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = metadata,
                ["items"] = items,
            };
        }
    }

    private static string EncodeContinue(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"v\":\"meta.k8s.io/v1\",\"start\":" + System.Text.Json.JsonSerializer.Serialize(key) + "}"));

    private static string DecodeContinue(string token)
    {
        try
        {
            var node = JsonNode.Parse(Convert.FromBase64String(token));
            return Json.Str(node?["start"]) ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw ApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }

    /// <summary>Parses a stored object, giving it the apiVersion it was asked under (CRDs serve several versions).</summary>
    internal static JsonObject Materialize(ResourceType type, StoredObject stored)
    {
        var obj = Json.Parse(stored.Json);
        if (Json.Str(obj["apiVersion"]) != type.ApiVersion)
        {
            obj["apiVersion"] = type.ApiVersion;
        }
        return obj;
    }

    /// <summary>How many objects the cluster stores (benchmarks and diagnostics).</summary>
    internal int ObjectCount()
    {
        lock (store.Sync)
        {
            return store.ResourceKeys.Sum(store.Count);
        }
    }

    /// <summary>All objects of every resource in a namespace (or all namespaces), for namespace deletion and garbage collection.</summary>
    internal List<(ResourceType Type, JsonObject Object)> ListEverything(Func<ResourceType, bool> include, string? ns)
    {
        var result = new List<(ResourceType, JsonObject)>();
        var seen = new HashSet<string>();
        lock (store.Sync)
        {
            foreach (var type in registry.All)
            {
                if (!include(type) || !seen.Add(type.Key))
                {
                    continue;
                }
                foreach (var (_, stored) in store.List(type.Key, type.Namespaced ? ns : null))
                {
                    result.Add((type, Materialize(type, stored)));
                }
            }
        }
        return result;
    }
}
