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
        var newName = Json.Str(meta["name"]);
        var oldName = Json.Str(old["name"]);
        if (string.IsNullOrEmpty(newName))
        {
            meta["name"] = oldName;
        }
        else if (newName != oldName)
        {
            throw ApiException.BadRequest($"the name of the object ({newName}) does not match the name on the URL ({oldName})");
        }
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
