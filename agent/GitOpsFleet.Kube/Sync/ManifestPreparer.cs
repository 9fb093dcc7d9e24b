using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Discovery;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Parses manifests, resolves each kind (discovery, or a CRD in the same bundle) and adds tracking metadata.</summary>
internal sealed class ManifestPreparer(ApiResourceCatalog catalog)
{
    public async Task<List<PreparedObject>> PrepareAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var parsed = new List<(JsonObject? Body, string? Error)>();
        foreach (var manifest in request.Manifests)
        {
            try
            {
                parsed.Add(JsonNode.Parse(manifest) is JsonObject obj ? (obj, null) : (null, "manifest is not a JSON object"));
            }
            catch (JsonException ex)
            {
                parsed.Add((null, "manifest is not valid JSON: " + ex.Message));
            }
        }
        var bundleCrds = parsed.Where(p => p.Body is not null).Select(p => p.Body!).Where(IsCrd).SelectMany(CrdResources).ToList();

        var result = new List<PreparedObject>();
        var index = 0;
        foreach (var (body, error) in parsed)
        {
            index++;
            if (body is null)
            {
                result.Add(new PreparedObject(new JsonObject(), new ResourceKey("", "", "Unknown", "", $"manifest-{index}"), null, error));
                continue;
            }
            var apiVersion = body.Str("apiVersion") ?? "";
            var kind = body.Str("kind") ?? "";
            var name = body.Str("metadata", "name") ?? "";
            var (group, version) = ResourceKey.SplitApiVersion(apiVersion);
            var ns = body.Str("metadata", "namespace") ?? "";
            if (apiVersion.Length == 0 || kind.Length == 0 || name.Length == 0)
            {
                result.Add(new PreparedObject(body, new ResourceKey(group, version, kind.Length == 0 ? "Unknown" : kind, ns, name.Length == 0 ? $"manifest-{index}" : name), null,
                    "manifest needs apiVersion, kind and metadata.name"));
                continue;
            }
            var resource = await catalog.FindAsync(apiVersion, kind, cancellationToken).ConfigureAwait(false)
                ?? bundleCrds.FirstOrDefault(r => r.Group == group && r.Version == version && r.Kind == kind);
            if (resource is null)
            {
                result.Add(new PreparedObject(body, new ResourceKey(group, version, kind, ns, name), null,
                    $"the server does not serve kind {kind} in {apiVersion} (is its CRD installed?)"));
                continue;
            }
            if (resource.Namespaced && ns.Length == 0)
            {
                ns = request.Options.DefaultNamespace;
            }
            if (!resource.Namespaced)
            {
                ns = "";
            }
            var key = new ResourceKey(group, version, kind, ns, name);
            var metadata = body.EnsureObject("metadata");
            if (ns.Length > 0)
            {
                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }
            metadata.EnsureObject("labels")[WellKnown.ManagedByLabel] = WellKnown.ManagedByValue;
            metadata.EnsureObject("annotations")[WellKnown.TrackingIdAnnotation] = WellKnown.TrackingId(request.App, key);
            result.Add(new PreparedObject(body, key, resource, null));
        }
        return result;
    }

    internal static bool IsCrd(JsonObject obj)
        => obj.Str("kind") == "CustomResourceDefinition" && (obj.Str("apiVersion") ?? "").StartsWith("apiextensions.k8s.io/", StringComparison.Ordinal);

    private static IEnumerable<ApiResource> CrdResources(JsonObject crd)
    {
        var group = crd.Str("spec", "group") ?? "";
        var kind = crd.Str("spec", "names", "kind") ?? "";
        var plural = crd.Str("spec", "names", "plural") ?? "";
        var namespaced = crd.Str("spec", "scope") != "Cluster";
        foreach (var version in crd.Objects("spec", "versions"))
        {
            if (version.Str("name") is { } v)
            {
                yield return new ApiResource(group, v, kind, plural, namespaced);
            }
        }
    }
}
