using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Controllers;

internal sealed partial class ClusterControllers
{
    private static readonly Selectors Everything = Selectors.Parse(null, null);

    private List<JsonObject> ListOwned(ResourceType type, string ns, string? ownerUid) =>
        [.. Service.List(type, ns, Everything, null, null)["items"]!.AsArray()
            .OfType<JsonObject>()
            .Where(o => Workloads.IsOwnedBy(o, ownerUid))];

    /// <summary>Writes a new status through the status subresource; a vanished object is simply skipped.</summary>
    private void WriteStatus(ResourceType type, JsonObject obj, JsonObject status)
    {
        var updated = Json.Clone(obj);
        updated["status"] = status;
        Json.Metadata(updated).Remove("resourceVersion");
        try
        {
            Service.Update(type, Json.Str(obj["metadata"]?["namespace"]), Json.Str(obj["metadata"]?["name"])!, "status", updated, WriteOptions.Controller);
        }
        catch (ApiException)
        {
            // Deleted meanwhile.
        }
    }

    private void TryCreate(ResourceType type, string ns, JsonObject obj)
    {
        try
        {
            Service.Create(type, ns, obj, WriteOptions.Controller);
        }
        catch (ApiException)
        {
            // Exists already, or the namespace is terminating: the next reconcile sees the truth.
        }
    }

    private void TryDelete(ResourceType type, JsonObject obj)
    {
        try
        {
            Service.Delete(type, Json.Str(obj["metadata"]?["namespace"]), Json.Str(obj["metadata"]?["name"])!, DeleteOptions.Default);
        }
        catch (ApiException)
        {
            // Gone already.
        }
    }

    private static long Replicas(JsonObject workload) => Json.Long(workload["spec"]?["replicas"]) ?? 1;

    private static string? Uid(JsonObject obj) => Json.Str(obj["metadata"]?["uid"]);

    private static string Name(JsonObject obj) => Json.Str(obj["metadata"]?["name"])!;

    private static long Generation(JsonObject obj) => Json.Long(obj["metadata"]?["generation"]) ?? 1;

    private void ReconcileOwnerOf(ResourceType type, string ns, string name)
    {
        var obj = Service.TryGet(type, ns, name);
        if (obj?["metadata"]?["ownerReferences"] is not JsonArray owners)
        {
            return;
        }
        foreach (var owner in owners.OfType<JsonObject>())
        {
            if (Json.Str(owner["name"]) is not { } ownerName)
            {
                continue;
            }
            switch (Json.Str(owner["kind"]))
            {
                case "ReplicaSet": OnChanged(Workloads.ReplicaSets, ns, ownerName); break;
                case "StatefulSet": OnChanged(Workloads.StatefulSets, ns, ownerName); break;
                case "DaemonSet": OnChanged(Workloads.DaemonSets, ns, ownerName); break;
                case "Job": OnChanged(Workloads.Jobs, ns, ownerName); break;
                case "Deployment": OnChanged(Workloads.Deployments, ns, ownerName); break;
            }
        }
    }

    /// <summary>Scales a set of owned pods to <paramref name="want"/>, naming new ones with <paramref name="nameFor"/>.</summary>
    private List<JsonObject> ScalePods(ResourceType ownerType, JsonObject owner, long want, Func<int, List<JsonObject>, string> nameFor, JsonObject? extraLabels)
    {
        var ns = Json.Str(owner["metadata"]?["namespace"])!;
        var pods = ListOwned(Workloads.Pods, ns, Uid(owner)).Where(p => !Workloads.IsTerminating(p)).ToList();
        for (var i = pods.Count; i < want; i++)
        {
            var pod = Workloads.PodFromTemplate(ownerType, owner, nameFor(i, pods), extraLabels);
            TryCreate(Workloads.Pods, ns, pod);
            pods.Add(pod);
        }
        foreach (var extra in pods.Skip((int)Math.Max(0, want)).ToList())
        {
            TryDelete(Workloads.Pods, extra);
            pods.Remove(extra);
        }
        return ListOwned(Workloads.Pods, ns, Uid(owner)).Where(p => !Workloads.IsTerminating(p)).ToList();
    }
}
