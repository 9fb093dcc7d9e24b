using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

internal sealed partial class ResourceService
{
    /// <summary>Applies a patch of any of the four content types; apply patches may create the object.</summary>
    public (JsonObject Object, bool Created) Patch(ResourceType type, string? ns, string name, string? subresource, string contentType, string body, WriteOptions options)
    {
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name);
            var before = stored is null ? null : Materialize(type, stored);
            if (contentType.StartsWith("application/apply-patch", StringComparison.Ordinal))
            {
                return ApplyPatch(type, ns, name, subresource, before, body, options);
            }
            if (before is null)
            {
                throw ApiException.NotFound(type, name);
            }
            var patch = BodyParser.ParseJson(body);
            JsonNode? patched = contentType switch
            {
                "application/merge-patch+json" => Patching.MergePatch(before, patch),
                "application/strategic-merge-patch+json" when patch is JsonObject p => Patching.StrategicMergePatch(before, p),
                "application/json-patch+json" when patch is JsonArray ops => Patching.JsonPatch(before, ops),
                "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/json-patch+json" =>
                    throw ApiException.BadRequest($"the body of the {contentType} patch has the wrong shape"),
                _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
            };
            if (patched is not JsonObject after)
            {
                throw ApiException.BadRequest("the patch did not produce an object");
            }
            var patchRv = Json.Str(after["metadata"]?["resourceVersion"]);
            if (!string.IsNullOrEmpty(patchRv) && patchRv != stored!.ResourceVersion.ToString())
            {
                throw ApiException.Conflict(type, name);
            }
            CheckTypeOf(type, after);
            after = Prepare(type, before, after, subresource);
            after = Patching.RecordUpdate(before, after, options.Manager, subresource, DateTimeOffset.UtcNow);
            return (Commit(type, ns, name, before, after, options), false);
        }
    }

    private (JsonObject Object, bool Created) ApplyPatch(ResourceType type, string? ns, string name, string? subresource, JsonObject? before, string body, WriteOptions options)
    {
        if (options.Manager.Length == 0)
        {
            throw ApiException.BadRequest("PATCH requests with an apply patch require a fieldManager query parameter");
        }
        if (YamlJson.Parse(body) is not JsonObject applied)
        {
            throw ApiException.BadRequest("error decoding YAML: the apply patch is not an object");
        }
        if (applied["apiVersion"] is null || applied["kind"] is null)
        {
            throw ApiException.BadRequest("invalid object type: apiVersion and kind must be set in an apply patch");
        }
        CheckTypeOf(type, applied);
        var meta = Json.Metadata(applied);
        var appliedName = Json.Str(meta["name"]);
        if (string.IsNullOrEmpty(appliedName))
        {
            throw ApiException.Invalid(type, name, "metadata.name", "Required value: name is required");
        }
        if (appliedName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
        }
        CheckNamespaceOf(type, ns, meta);
        applied = ScopeToSubresource(type, applied, subresource);
        if (before is null)
        {
            if (subresource is not null)
            {
                throw ApiException.NotFound(type, name);
            }
            var outcome = Patching.Apply(null, applied, options.Manager, options.Force, subresource, DateTimeOffset.UtcNow);
            // Create runs the identity and admission rules, then keeps the managedFields apply computed.
            var managed = outcome.Object["metadata"]?["managedFields"]?.DeepClone();
            return (Create(type, ns, outcome.Object, options, managed), true);
        }
        // A resourceVersion in an apply configuration is a precondition, as on a real server.
        var appliedRv = Json.Str(meta["resourceVersion"]);
        if (!string.IsNullOrEmpty(appliedRv) && appliedRv != Json.Str(before["metadata"]?["resourceVersion"]))
        {
            throw ApiException.Conflict(type, name);
        }
        var result = Patching.Apply(before, applied, options.Manager, options.Force, subresource, DateTimeOffset.UtcNow);
        if (result.Conflicts.Count > 0)
        {
            throw ApplyConflictError(type, name, result);
        }
        if (!result.Changed)
        {
            return (before, false);
        }
        var after = Prepare(type, before, result.Object, subresource);
        return (Commit(type, ns, name, before, after, options), false);
    }

    /// <summary>
    /// What an apply may touch, as on a real server: an apply to the main resource of a kind with a
    /// status subresource ignores .status (else the applier would own status fields and every
    /// re-apply of a manifest carrying status would look like a change); an apply to /status
    /// touches only status.
    /// </summary>
    private static JsonObject ScopeToSubresource(ResourceType type, JsonObject applied, string? subresource)
    {
        if (subresource is null && type.HasStatus && applied.ContainsKey("status"))
        {
            var scoped = (JsonObject)applied.DeepClone();
            scoped.Remove("status");
            return scoped;
        }
        if (subresource == "status")
        {
            var scoped = new JsonObject();
            foreach (var key in new[] { "apiVersion", "kind", "metadata", "status" })
            {
                if (applied[key] is { } value)
                {
                    scoped[key] = value.DeepClone();
                }
            }
            return scoped;
        }
        return applied;
    }

    private static ApiException ApplyConflictError(ResourceType type, string name, ApplyOutcome outcome)
    {
        var causes = new JsonArray();
        foreach (var c in outcome.Conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {c.ManagerDescription}", ["field"] = c.Path });
        }
        return new ApiException(409, "Conflict", outcome.ConflictMessage, new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["causes"] = causes });
    }
}
