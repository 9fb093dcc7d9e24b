using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

internal sealed partial class ResourceService
{
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options) => Create(type, ns, body, options, null);

    // appliedManagedFields: the managedFields server-side apply computed, kept instead of an Update entry.
    private JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options, JsonNode? appliedManagedFields)
    {
        CheckTypeOf(type, body);
        var meta = Json.Metadata(body);
        var name = Json.Str(meta["name"]);
        if (string.IsNullOrEmpty(name))
        {
            var generateName = Json.Str(meta["generateName"]);
            if (string.IsNullOrEmpty(generateName))
            {
                throw ApiException.Invalid(type, "", "metadata.name", "Required value: name or generateName is required");
            }
            name = generateName + RandomSuffix();
            meta["name"] = name;
        }
        CheckNamespaceOf(type, ns, meta);
        lock (store.Sync)
        {
            if (ns is not null)
            {
                var nsObj = store.Get(NamespaceType.Key, null, ns) ?? throw ApiException.NamespaceNotFound(ns);
                if (Json.Parse(nsObj.Json)["metadata"]?["deletionTimestamp"] is not null)
                {
                    throw new ApiException(403, "Forbidden", $"{type.QualifiedName} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
                }
            }
            if (store.Get(type.Key, ns, name) is not null)
            {
                throw ApiException.AlreadyExists(type, name);
            }
            var now = DateTimeOffset.UtcNow;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Json.Timestamp(now);
            meta.Remove("resourceVersion");
            meta.Remove("deletionTimestamp");
            meta.Remove("managedFields");
            if (type.TracksGeneration)
            {
                meta["generation"] = 1;
            }
            else
            {
                meta.Remove("generation");
            }
            if (type.HasStatus)
            {
                body.Remove("status");
            }
            Validation.Check(type, body);
            Admission.OnCreate(this, type, body, options.DryRun);
            JsonObject result;
            if (appliedManagedFields is null)
            {
                result = Patching.RecordUpdate(null, body, options.Manager, null, now);
            }
            else
            {
                meta["managedFields"] = appliedManagedFields;
                result = body;
            }
            return Commit(type, ns, name, null, result, options);
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, string? subresource, JsonObject body, WriteOptions options)
    {
        CheckTypeOf(type, body);
        var meta = Json.Metadata(body);
        var bodyName = Json.Str(meta["name"]);
        if (string.IsNullOrEmpty(bodyName))
        {
            meta["name"] = name;
        }
        else if (bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        CheckNamespaceOf(type, ns, meta);
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name) ?? throw ApiException.NotFound(type, name);
            var before = Materialize(type, stored);
            var bodyRv = Json.Str(meta["resourceVersion"]);
            if (!string.IsNullOrEmpty(bodyRv) && bodyRv != stored.ResourceVersion.ToString())
            {
                throw ApiException.Conflict(type, name);
            }
            var after = Prepare(type, before, body, subresource);
            after = Patching.RecordUpdate(before, after, options.Manager, subresource, DateTimeOffset.UtcNow);
            return Commit(type, ns, name, before, after, options);
        }
    }

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
        if (before is null)
        {
            if (subresource is not null)
            {
                throw ApiException.NotFound(type, name);
            }
            var outcome = Patching.Apply(null, applied, options.Manager, options.Force, DateTimeOffset.UtcNow);
            // Create runs the identity and admission rules, then keeps the managedFields apply computed.
            var managed = outcome.Object["metadata"]?["managedFields"]?.DeepClone();
            return (Create(type, ns, outcome.Object, options, managed), true);
        }
        var result = Patching.Apply(before, applied, options.Manager, options.Force, DateTimeOffset.UtcNow);
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

    private static ApiException ApplyConflictError(ResourceType type, string name, ApplyOutcome outcome)
    {
        var causes = new JsonArray();
        foreach (var c in outcome.Conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {c.ManagerDescription}", ["field"] = c.Path });
        }
        return new ApiException(409, "Conflict", outcome.ConflictMessage, new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["causes"] = causes });
    }

    /// <summary>Carries identity fields over from the live object and applies the status subresource split.</summary>
    private static JsonObject Prepare(ResourceType type, JsonObject before, JsonObject body, string? subresource)
    {
        JsonObject after;
        if (subresource == "status")
        {
            after = Json.Clone(before);
            after["status"] = body["status"]?.DeepClone();
            if (body["metadata"]?["managedFields"] is { } mf)
            {
                Json.Metadata(after)["managedFields"] = mf.DeepClone();
            }
        }
        else
        {
            after = Json.Clone(body);
            if (type.HasStatus)
            {
                after["status"] = before["status"]?.DeepClone();
                if (after["status"] is null)
                {
                    after.Remove("status");
                }
            }
        }
        var meta = Json.Metadata(after);
        var old = Json.Metadata(before);
        foreach (var key in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
        {
            meta[key] = old[key]?.DeepClone();
            if (meta[key] is null)
            {
                meta.Remove(key);
            }
        }
        meta["namespace"] = old["namespace"]?.DeepClone();
        if (meta["namespace"] is null)
        {
            meta.Remove("namespace");
        }
        if (type.TracksGeneration && !Json.SpecEquals(before, after))
        {
            meta["generation"] = (Json.Long(old["generation"]) ?? 0) + 1;
        }
        return after;
    }

    /// <summary>Stores the result of a write unless it changes nothing or is a dry run; finishes deletions whose finalizers are gone.</summary>
    private JsonObject Commit(ResourceType type, string? ns, string name, JsonObject? before, JsonObject after, WriteOptions options)
    {
        if (before is not null)
        {
            Validation.Check(type, after);
        }
        var meta = Json.Metadata(after);
        if (before is not null && Json.SameIgnoringBookkeeping(before, after))
        {
            return before;
        }
        if (options.DryRun)
        {
            return after;
        }
        var rv = store.NextResourceVersion();
        meta["resourceVersion"] = rv.ToString();
        if (meta["deletionTimestamp"] is not null && meta["finalizers"] is not JsonArray { Count: > 0 })
        {
            store.Remove(type.Key, ns, name, rv, after);
            controllers.OnDeleted(type, after);
            return after;
        }
        store.Put(type.Key, ns, name, rv, after, before is null);
        controllers.OnChanged(type, ns, name);
        return after;
    }

    private void CheckTypeOf(ResourceType type, JsonObject body)
    {
        var apiVersion = Json.Str(body["apiVersion"]);
        var kind = Json.Str(body["kind"]);
        if (apiVersion is null)
        {
            body["apiVersion"] = type.ApiVersion;
        }
        else if (apiVersion != type.ApiVersion && !(type.Custom && registry.FindByKind(apiVersion, type.Kind) is { } other && other.Key == type.Key))
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }
        if (kind is null)
        {
            body["kind"] = type.Kind;
        }
        else if (kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
        body["apiVersion"] = type.ApiVersion;
    }

    private static void CheckNamespaceOf(ResourceType type, string? ns, JsonObject meta)
    {
        var bodyNs = Json.Str(meta["namespace"]);
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }
        if (ns is null)
        {
            throw ApiException.BadRequest($"{type.QualifiedName} must be created in a namespace");
        }
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta["namespace"] = ns;
    }

    private static string RandomSuffix() =>
        string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = NameChars[Random.Shared.Next(NameChars.Length)];
            }
        });

    internal static string RandomName(string prefix) => prefix + RandomSuffix();
}
