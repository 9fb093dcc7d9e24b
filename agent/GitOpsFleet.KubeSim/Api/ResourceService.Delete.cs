using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

internal sealed partial class ResourceService
{
    /// <summary>
    /// Deletes an object, or marks it with deletionTimestamp while finalizers remain. Namespaces go
    /// Terminating and their contents are removed by the namespace controller; dependents are
    /// collected through their ownerReferences unless the policy is Orphan.
    /// </summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        JsonObject obj;
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name) ?? throw ApiException.NotFound(type, name);
            obj = Materialize(type, stored);
            var meta = Json.Metadata(obj);
            if ((options.PreconditionUid is { } uid && uid != Json.Str(meta["uid"])) ||
                (options.PreconditionResourceVersion is { } prv && prv != stored.ResourceVersion.ToString()))
            {
                throw new ApiException(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": Precondition failed: UID in precondition: {options.PreconditionUid}, UID in object meta: {Json.Str(meta["uid"])}");
            }
            if (options.DryRun)
            {
                return obj;
            }
            var hasFinalizers = meta["finalizers"] is JsonArray { Count: > 0 };
            var isNamespace = type.Key == NamespaceType.Key;
            if (hasFinalizers || isNamespace)
            {
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = Json.Timestamp(DateTimeOffset.UtcNow);
                    meta["deletionGracePeriodSeconds"] = 0;
                    if (isNamespace)
                    {
                        obj["status"] = new JsonObject { ["phase"] = "Terminating" };
                    }
                    var rv = store.NextResourceVersion();
                    meta["resourceVersion"] = rv.ToString();
                    store.Put(type.Key, ns, name, rv, obj, false);
                    controllers.OnChanged(type, ns, name);
                }
                if (isNamespace)
                {
                    controllers.OnNamespaceTerminating(name);
                }
                return obj;
            }
            var deleteRv = store.NextResourceVersion();
            meta["resourceVersion"] = deleteRv.ToString();
            store.Remove(type.Key, ns, name, deleteRv, obj);
            controllers.OnDeleted(type, obj);
        }
        if (options.PropagationPolicy == "Orphan")
        {
            OrphanDependents(Json.Str(obj["metadata"]?["uid"]));
        }
        else
        {
            controllers.CollectGarbage();
        }
        return obj;
    }

    public JsonObject DeleteCollection(ResourceType type, string? ns, Selectors selectors, DeleteOptions options)
    {
        var list = List(type, ns, selectors, null, null);
        var items = new JsonArray();
        foreach (var item in list["items"]!.AsArray())
        {
            var meta = item!["metadata"]!;
            try
            {
                items.Add(Delete(type, Json.Str(meta["namespace"]), Json.Str(meta["name"])!, options));
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently: the collection delete still succeeds.
            }
        }
        list["items"] = items;
        return list;
    }

    /// <summary>Removes ownerReferences that point at a deleted owner, as propagationPolicy=Orphan asks.</summary>
    private void OrphanDependents(string? ownerUid)
    {
        if (ownerUid is null)
        {
            return;
        }
        foreach (var (type, obj) in ListEverything(_ => true, null))
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray refs || !refs.Any(r => Json.Str(r?["uid"]) == ownerUid))
            {
                continue;
            }
            var kept = new JsonArray([.. refs.Where(r => Json.Str(r?["uid"]) != ownerUid).Select(r => r!.DeepClone())]);
            var updated = Json.Clone(obj);
            if (kept.Count == 0)
            {
                Json.Metadata(updated).Remove("ownerReferences");
            }
            else
            {
                Json.Metadata(updated)["ownerReferences"] = kept;
            }
            try
            {
                Update(type, Json.Str(obj["metadata"]?["namespace"]), Json.Str(obj["metadata"]?["name"])!, null, updated, WriteOptions.Controller);
            }
            catch (ApiException)
            {
                // Changed or gone meanwhile: nothing to orphan.
            }
        }
    }

    /// <summary>Removes an object regardless of finalizers (a finished namespace, the objects of a deleted CRD).</summary>
    internal void ForceRemove(ResourceType type, string? ns, string name)
    {
        lock (store.Sync)
        {
            var stored = store.Get(type.Key, ns, name);
            if (stored is null)
            {
                return;
            }
            var obj = Materialize(type, stored);
            var rv = store.NextResourceVersion();
            Json.Metadata(obj)["resourceVersion"] = rv.ToString();
            store.Remove(type.Key, ns, name, rv, obj);
        }
    }
}
