using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Controllers;

internal sealed partial class ClusterControllers
{
    private void ReconcilePod(string ns, string name)
    {
        var pod = Service.TryGet(Workloads.Pods, ns, name);
        if (pod is null || Workloads.IsTerminating(pod) || Json.Str(pod["status"]?["phase"]) != "Pending" || pod["status"]?["containerStatuses"] is not null)
        {
            return;
        }
        var now = Json.Timestamp(DateTimeOffset.UtcNow);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var brokenImage = Workloads.HasBrokenImage(pod["spec"] as JsonObject);
        var failing = brokenImage || Workloads.HasFailAnnotation(pod);
        var ownedByJob = pod["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => Json.Str(r?["kind"]) == "Job");
        var statuses = new JsonArray();
        foreach (var c in containers)
        {
            JsonObject state;
            if (failing && ownedByJob && !brokenImage)
            {
                state = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = now, ["finishedAt"] = now } };
            }
            else if (failing)
            {
                var reason = brokenImage ? "ImagePullBackOff" : "CrashLoopBackOff";
                var message = brokenImage
                    ? $"Back-off pulling image \"{Json.Str(c["image"])}\""
                    : $"back-off 5m0s restarting failed container={Json.Str(c["name"])} pod={name}";
                state = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } };
            }
            else if (ownedByJob)
            {
                state = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = now, ["finishedAt"] = now } };
            }
            else
            {
                state = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } };
            }
            statuses.Add(new JsonObject
            {
                ["name"] = Json.Str(c["name"]),
                ["image"] = Json.Str(c["image"]),
                ["imageID"] = "",
                ["ready"] = !failing && !ownedByJob,
                ["started"] = !failing && !ownedByJob,
                ["restartCount"] = failing && !brokenImage ? 5 : 0,
                ["state"] = state,
            });
        }
        var ready = !failing && !ownedByJob;
        // A failing job pod (restartPolicy Never/OnFailure) ends Failed; a failing long-running pod keeps restarting.
        var phase = failing ? (brokenImage ? "Pending" : ownedByJob ? "Failed" : "Running") : ownedByJob ? "Succeeded" : "Running";
        WriteStatus(Workloads.Pods, pod, new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(
                PodCondition("Initialized", true, now),
                PodCondition("Ready", ready, now),
                PodCondition("ContainersReady", ready, now),
                PodCondition("PodScheduled", true, now)),
            ["hostIP"] = "10.0.0.1",
            ["podIP"] = $"10.244.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(2, 255)}",
            ["startTime"] = now,
            ["containerStatuses"] = statuses,
            ["qosClass"] = "BestEffort",
        });
    }

    private static JsonObject PodCondition(string type, bool status, string now) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = now,
    };

    private void ReconcileJob(string ns, string name)
    {
        var job = Service.TryGet(Workloads.Jobs, ns, name);
        if (job is null || Workloads.IsTerminating(job) || job["status"]?["completionTime"] is not null ||
            (job["status"]?["conditions"] as JsonArray)?.Any(c => Json.Str(c?["type"]) == "Failed") == true)
        {
            return;
        }
        var completions = Json.Long(job["spec"]?["completions"]) ?? 1;
        var pods = ScalePods(Workloads.Jobs, job, completions, (_, _) => ResourceService.RandomName(name + "-"), new JsonObject { ["job-name"] = name });
        var succeeded = pods.Count(p => Json.Str(p["status"]?["phase"]) == "Succeeded");
        var failed = pods.Count(p => Json.Str(p["status"]?["phase"]) == "Failed");
        var now = Json.Timestamp(DateTimeOffset.UtcNow);
        var status = new JsonObject
        {
            ["startTime"] = job["status"]?["startTime"]?.DeepClone() ?? now,
            ["active"] = pods.Count - succeeded - failed,
            ["succeeded"] = succeeded,
            ["ready"] = 0,
            ["terminating"] = 0,
        };
        if (failed > 0)
        {
            // The simulation does not retry: one failed pod exhausts the backoff limit.
            status.Remove("active");
            status["failed"] = failed;
            status["conditions"] = new JsonArray(
                Workloads.Condition(null, "FailureTarget", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit", false),
                Workloads.Condition(null, "Failed", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit", false));
        }
        else if (succeeded >= completions)
        {
            status.Remove("active");
            status["completionTime"] = now;
            status["conditions"] = new JsonArray(
                Workloads.Condition(null, "SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods", false),
                Workloads.Condition(null, "Complete", true, "CompletionsReached", "Reached expected number of succeeded pods", false));
            foreach (var c in status["conditions"]!.AsArray().OfType<JsonObject>())
            {
                c["lastProbeTime"] = now;
            }
        }
        WriteStatus(Workloads.Jobs, job, status);
    }

    private static readonly ResourceType PvcType = BuiltInResources.All.First(r => r.Kind == "PersistentVolumeClaim");
    private static readonly ResourceType ServiceType = BuiltInResources.All.First(r => r.Kind == "Service");

    private void ReconcilePvc(string ns, string name)
    {
        var pvc = Service.TryGet(PvcType, ns, name);
        if (pvc is null || Json.Str(pvc["status"]?["phase"]) == "Bound")
        {
            return;
        }
        WriteStatus(PvcType, pvc, new JsonObject
        {
            ["phase"] = "Bound",
            ["accessModes"] = pvc["spec"]?["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
            ["capacity"] = new JsonObject { ["storage"] = Json.Str(pvc["spec"]?["resources"]?["requests"]?["storage"]) ?? "1Gi" },
        });
    }

    private void ReconcileService(string ns, string name)
    {
        var svc = Service.TryGet(ServiceType, ns, name);
        if (svc is null || Json.Str(svc["spec"]?["type"]) != "LoadBalancer" || svc["status"]?["loadBalancer"]?["ingress"] is not null)
        {
            return;
        }
        WriteStatus(ServiceType, svc, new JsonObject
        {
            ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1", ["ipMode"] = "VIP" }) },
        });
    }

    /// <summary>Deletes a terminating namespace's contents; the namespace goes once nothing is left in it.</summary>
    private void ReconcileNamespace(string ns)
    {
        var nsObj = Service.TryGet(ResourceService.NamespaceType, null, ns);
        if (nsObj is null || !Workloads.IsTerminating(nsObj))
        {
            return;
        }
        var contents = Service.ListEverything(t => t.Namespaced, ns);
        foreach (var (type, obj) in contents)
        {
            if (!Workloads.IsTerminating(obj))
            {
                try
                {
                    Service.Delete(type, ns, Name(obj), DeleteOptions.Default);
                }
                catch (ApiException)
                {
                    // Gone already.
                }
            }
        }
        if (Service.ListEverything(t => t.Namespaced, ns).Count == 0)
        {
            Service.ForceRemove(ResourceService.NamespaceType, null, ns);
        }
    }

    private void ReconcileCrd(string name)
    {
        var crdType = BuiltInResources.All.First(r => r.Kind == "CustomResourceDefinition");
        var crd = Service.TryGet(crdType, null, name);
        var parts = name.Split('.', 2);
        if (crd is null)
        {
            if (parts.Length == 2)
            {
                var served = Service.Registry.All.Where(r => r.Custom && r.Group == parts[1] && r.Plural == parts[0]).ToList();
                if (served.Count > 0)
                {
                    // Custom objects go with their definition.
                    foreach (var (type, obj) in Service.ListEverything(t => t.Key == served[0].Key, null))
                    {
                        Service.ForceRemove(type, Json.Str(obj["metadata"]?["namespace"]), Name(obj));
                    }
                }
                Service.Registry.RemoveCustom(parts[1], parts[0]);
            }
            return;
        }
        if (Workloads.IsTerminating(crd))
        {
            return;
        }
        CrdRegistration.Accept(Service.Registry, Json.Clone(crd));
    }

    /// <summary>Deletes objects whose every owner is gone (background propagation).</summary>
    private void RunGarbageCollection()
    {
        var all = Service.ListEverything(_ => true, null);
        var uids = all.Select(o => Uid(o.Object)).Where(u => u is not null).ToHashSet();
        foreach (var (type, obj) in all)
        {
            if (obj["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } refs &&
                refs.All(r => !uids.Contains(Json.Str(r?["uid"]))) &&
                !Workloads.IsTerminating(obj))
            {
                TryDelete(type, obj);
            }
        }
    }
}
