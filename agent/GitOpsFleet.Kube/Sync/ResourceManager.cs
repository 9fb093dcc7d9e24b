using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Discovery;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Inventory;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Sync;

/// <summary>
/// Applies, prunes, assesses and diffs one application's objects against a cluster. The verbs live
/// in ResourceManager.Apply.cs, .Prune.cs, .Hooks.cs, .Status.cs and .Diff.cs; the IKubernetes
/// constructor in .KubernetesClient.cs (regular build only).
/// </summary>
public sealed partial class ResourceManager
{
    private readonly KubeRestClient _client;
    private readonly ApiResourceCatalog _catalog;
    private readonly ManifestPreparer _preparer;
    private readonly InventoryStore _inventory;
    private readonly TimeProvider _time;

    public ResourceManager(KubeConnection connection, string agentNamespace, TimeProvider? timeProvider = null)
    {
        _client = new KubeRestClient(connection);
        _catalog = new ApiResourceCatalog(_client);
        _preparer = new ManifestPreparer(_catalog);
        _inventory = new InventoryStore(_client, agentNamespace);
        _time = timeProvider ?? TimeProvider.System;
        AgentNamespace = agentNamespace;
    }

    public string AgentNamespace { get; }

    public KubeRestClient Client => _client;

    public ApiResourceCatalog Catalog => _catalog;

    public InventoryStore Inventory => _inventory;

    /// <summary>Creates a namespace unless it exists.</summary>
    public async Task EnsureNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        if (await _client.GetAsync("/api/v1/namespaces/" + Uri.EscapeDataString(name), cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }
        try
        {
            var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
            await _client.CreateAsync("/api/v1/namespaces", body, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Someone else created it between our read and our write: that is what we wanted.
        }
    }

    /// <summary>Reads the live object for a key; null when it does not exist or its kind is not served.</summary>
    public async Task<JsonObject?> GetLiveAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var resource = await _catalog.FindAsync(key.ApiVersion, key.Kind, cancellationToken).ConfigureAwait(false);
        return resource is null ? null : await _client.GetAsync(resource.ObjectPath(key.Namespace, key.Name), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes what only the server sets, so a dry-run result and the live object compare by content.</summary>
    internal static JsonObject Normalize(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            foreach (var field in new[] { "managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink" })
            {
                metadata.Remove(field);
            }
        }
        return copy;
    }

    private static string Describe(ResourceKey key, string verb, KubeApiException ex)
        => $"{key} {verb} failed ({ex.Reason}): {ex.Message}";
}
