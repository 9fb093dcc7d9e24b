using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;

namespace GitOpsFleet.KubeSim.Controllers;

internal sealed partial class ClusterControllers
{
    private void ReconcileDeployment(string ns, string name)
    {
        var d = Service.TryGet(Workloads.Deployments, ns, name);
        if (d is null || Workloads.IsTerminating(d))
        {
            return;
        }
        var want = Replicas(d);
        var template = d["spec"]?["template"];
        var hash = Workloads.TemplateHash(template);
        var rsName = $"{name}-{hash}";
        var owned = ListOwned(Workloads.ReplicaSets, ns, Uid(d));
        var current = owned.FirstOrDefault(rs => Name(rs) == rsName);
        var failing = Workloads.HasFailAnnotation(d);
        if (current is null)
        {
            var labels = template?["metadata"]?["labels"] as JsonObject is { } tl ? Json.Clone(tl) : new JsonObject();
            labels["pod-template-hash"] = hash;
            var rsTemplate = template is JsonObject t ? Json.Clone(t) : new JsonObject();
            Json.Metadata(rsTemplate)["labels"] = labels.DeepClone();
            var selector = d["spec"]?["selector"] is JsonObject sel ? Json.Clone(sel) : new JsonObject();
            var matchLabels = selector["matchLabels"] as JsonObject ?? new JsonObject();
            matchLabels["pod-template-hash"] = hash;
            selector["matchLabels"] = matchLabels;
            var meta = new JsonObject
            {
                ["name"] = rsName,
                ["namespace"] = ns,
                ["labels"] = labels.DeepClone(),
                ["ownerReferences"] = new JsonArray(Workloads.OwnerReference(Workloads.Deployments, d)),
            };
            if (failing)
            {
                meta["annotations"] = new JsonObject { [Workloads.FailAnnotation] = "true" };
            }
            TryCreate(Workloads.ReplicaSets, ns, new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = meta,
                ["spec"] = new JsonObject { ["replicas"] = want, ["selector"] = selector, ["template"] = rsTemplate },
            });
        }
        else if (Replicas(current) != want)
        {
            var scaled = Json.Clone(current);
            scaled["spec"]!["replicas"] = want;
            Json.Metadata(scaled).Remove("resourceVersion");
            Service.Update(Workloads.ReplicaSets, ns, rsName, null, scaled, WriteOptions.Controller);
        }
        // Old ReplicaSets scale to zero once the new one is fully available (a simple rolling update).
        long total = 0, ready = 0, updated = 0;
        foreach (var rs in owned)
        {
            var st = rs["status"];
            total += Json.Long(st?["replicas"]) ?? 0;
            ready += Json.Long(st?["readyReplicas"]) ?? 0;
            if (Name(rs) == rsName)
            {
                updated = Json.Long(st?["replicas"]) ?? 0;
            }
        }
        var newReady = current is null ? 0 : Json.Long(current["status"]?["readyReplicas"]) ?? 0;
        if (newReady >= want)
        {
            foreach (var old in owned.Where(rs => Name(rs) != rsName && Replicas(rs) != 0))
            {
                var scaled = Json.Clone(old);
                scaled["spec"]!["replicas"] = 0;
                Json.Metadata(scaled).Remove("resourceVersion");
                Service.Update(Workloads.ReplicaSets, ns, Name(old), null, scaled, WriteOptions.Controller);
            }
        }
        var generation = Generation(d);
        var oldStatus = d["status"] as JsonObject;
        var oldConditions = oldStatus?["conditions"] as JsonArray;
        var newRollout = (Json.Long(oldStatus?["observedGeneration"]) ?? 0) != generation;
        var complete = updated == want && newReady >= want && total == want;
        var deadlineSeconds = Json.Long(d["spec"]?["progressDeadlineSeconds"]) ?? 600;
        var progressing = oldConditions?.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == "Progressing");
        var previousReason = newRollout ? null : Json.Str(progressing?["reason"]);
        var since = previousReason == "ReplicaSetUpdated" && DateTimeOffset.TryParse(Json.Str(progressing?["lastUpdateTime"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var lastUpdate)
            ? lastUpdate
            : DateTimeOffset.UtcNow;
        var remaining = since.AddSeconds(deadlineSeconds) - DateTimeOffset.UtcNow;
        JsonObject progressCondition;
        if (complete)
        {
            progressCondition = Workloads.Condition(oldConditions, "Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", true);
        }
        else if (previousReason == "ProgressDeadlineExceeded" || (previousReason == "ReplicaSetUpdated" && remaining <= TimeSpan.Zero))
        {
            // Once past its deadline a rollout stays failed until it completes or a new generation starts over.
            progressCondition = Workloads.Condition(oldConditions, "Progressing", false, "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", true);
        }
        else
        {
            progressCondition = Workloads.Condition(newRollout ? null : oldConditions, "Progressing", true, "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", true);
            var wait = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(deadlineSeconds);
            Enqueue($"deploy-deadline/{ns}/{name}", wait + TimeSpan.FromMilliseconds(1100), () => ReconcileDeployment(ns, name));
        }
        var available = ready >= want;
        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["replicas"] = total,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["unavailableReplicas"] = Math.Max(0, want - ready),
            ["conditions"] = new JsonArray(
                available
                    ? Workloads.Condition(oldConditions, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", true)
                    : Workloads.Condition(oldConditions, "Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", true),
                progressCondition),
        };
        if (ready == 0) status.Remove("readyReplicas");
        if (ready == 0) status.Remove("availableReplicas");
        if (ready >= want) status.Remove("unavailableReplicas");
        WriteStatus(Workloads.Deployments, d, status);
    }

    private void ReconcileReplicaSet(string ns, string name)
    {
        var rs = Service.TryGet(Workloads.ReplicaSets, ns, name);
        if (rs is null || Workloads.IsTerminating(rs))
        {
            return;
        }
        var pods = ScalePods(Workloads.ReplicaSets, rs, Replicas(rs), (_, _) => ResourceService.RandomName(name + "-"), null);
        var ready = pods.Count(Workloads.IsPodReady);
        WriteStatus(Workloads.ReplicaSets, rs, new JsonObject
        {
            ["replicas"] = pods.Count,
            ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["observedGeneration"] = Generation(rs),
        });
    }

    private void ReconcileStatefulSet(string ns, string name)
    {
        var sts = Service.TryGet(Workloads.StatefulSets, ns, name);
        if (sts is null || Workloads.IsTerminating(sts))
        {
            return;
        }
        var revision = $"{name}-{Workloads.TemplateHash(sts["spec"]?["template"])}";
        var pods = ScalePods(Workloads.StatefulSets, sts, Replicas(sts), (i, existing) =>
        {
            var index = 0;
            while (existing.Any(p => Name(p) == $"{name}-{index}")) index++;
            return $"{name}-{index}";
        }, new JsonObject { ["controller-revision-hash"] = revision });
        var ready = pods.Count(Workloads.IsPodReady);
        WriteStatus(Workloads.StatefulSets, sts, new JsonObject
        {
            ["observedGeneration"] = Generation(sts),
            ["replicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = pods.Count,
            ["updatedReplicas"] = pods.Count,
            ["availableReplicas"] = ready,
            ["currentRevision"] = revision,
            ["updateRevision"] = revision,
            ["collisionCount"] = 0,
        });
    }

    private void ReconcileDaemonSet(string ns, string name)
    {
        var ds = Service.TryGet(Workloads.DaemonSets, ns, name);
        if (ds is null || Workloads.IsTerminating(ds))
        {
            return;
        }
        // One simulated node: one pod.
        var pods = ScalePods(Workloads.DaemonSets, ds, 1, (_, _) => ResourceService.RandomName(name + "-"), null);
        var ready = pods.Count(Workloads.IsPodReady);
        WriteStatus(Workloads.DaemonSets, ds, new JsonObject
        {
            ["currentNumberScheduled"] = pods.Count,
            ["desiredNumberScheduled"] = 1,
            ["numberMisscheduled"] = 0,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
            ["updatedNumberScheduled"] = pods.Count,
            ["observedGeneration"] = Generation(ds),
        });
    }
}
