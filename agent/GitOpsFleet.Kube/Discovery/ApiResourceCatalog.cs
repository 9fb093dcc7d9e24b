using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Discovery;

/// <summary>
/// Maps kinds to resources through discovery (/api/v1, /apis/G/V), cached per group-version and
/// read again once on a miss, because a CRD applied earlier in the same sync adds kinds.
/// </summary>
public sealed class ApiResourceCatalog(KubeRestClient client)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, ApiResource>> _byGroupVersion = new();

    /// <summary>The resource for a kind, or null when the server does not serve it.</summary>
    public async Task<ApiResource?> FindAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        if (_byGroupVersion.TryGetValue(apiVersion, out var cached) && cached.TryGetValue(kind, out var hit))
        {
            return hit;
        }
        var fresh = await LoadAsync(apiVersion, cancellationToken).ConfigureAwait(false);
        _byGroupVersion[apiVersion] = fresh;
        return fresh.GetValueOrDefault(kind);
    }

    /// <summary>Forgets a group-version so the next lookup asks the server again.</summary>
    public void Invalidate(string apiVersion) => _byGroupVersion.TryRemove(apiVersion, out _);

    /// <summary>Every kind cached so far (for watches).</summary>
    public IEnumerable<ApiResource> Known => _byGroupVersion.Values.SelectMany(v => v.Values);

    private async Task<IReadOnlyDictionary<string, ApiResource>> LoadAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var (group, version) = ResourceKey.SplitApiVersion(apiVersion);
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var list = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, ApiResource>(StringComparer.Ordinal);
        foreach (var resource in list.Objects("resources"))
        {
            var name = resource.Str("name");
            var kind = resource.Str("kind");
            // Subresources (deployments/status) share the kind: skip them.
            if (name is null || kind is null || name.Contains('/') || result.ContainsKey(kind))
            {
                continue;
            }
            result[kind] = new ApiResource(group, version, kind, name, resource.Bool("namespaced") ?? false);
        }
        return result;
    }
}
