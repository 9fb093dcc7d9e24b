using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Controllers;

internal sealed partial class ClusterControllers
{
    private static readonly ResourceType IngressType = BuiltInResources.All.First(r => r.Kind == "Ingress");
    private static readonly ResourceType HpaType = BuiltInResources.All.First(r => r.Kind == "HorizontalPodAutoscaler");

    /// <summary>An ingress controller that gives every Ingress the loopback address.</summary>
    private void ReconcileIngress(string ns, string name)
    {
        var ingress = Service.TryGet(IngressType, ns, name);
        if (ingress is null || ingress["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: > 0 })
        {
            return;
        }
        WriteStatus(IngressType, ingress, new JsonObject
        {
            ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }) },
        });
    }

    /// <summary>An autoscaler that finds its target and keeps it where it is, within minReplicas..maxReplicas.</summary>
    private void ReconcileHpa(string ns, string name)
    {
        var hpa = Service.TryGet(HpaType, ns, name);
        if (hpa is null)
        {
            return;
        }
        var target = hpa["spec"]?["scaleTargetRef"] as JsonObject;
        var targetType = Json.Str(target?["kind"]) switch
        {
            "Deployment" => Workloads.Deployments,
            "StatefulSet" => Workloads.StatefulSets,
            "ReplicaSet" => Workloads.ReplicaSets,
            _ => null,
        };
        var targetName = Json.Str(target?["name"]);
        var workload = targetType is null || targetName is null ? null : Service.TryGet(targetType, ns, targetName);
        var old = hpa["status"]?["conditions"] as JsonArray;
        var status = new JsonObject();
        if (workload is null)
        {
            status["currentReplicas"] = 0;
            status["desiredReplicas"] = 0;
            status["conditions"] = new JsonArray(
                Workloads.Condition(old, "AbleToScale", false, "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {Json.Str(target?["kind"])} \"{targetName}\" not found", false));
        }
        else
        {
            var current = Replicas(workload);
            var min = Json.Long(hpa["spec"]?["minReplicas"]) ?? 1;
            var max = Json.Long(hpa["spec"]?["maxReplicas"]) ?? Math.Max(min, current);
            var desired = Math.Clamp(current, min, Math.Max(min, max));
            status["currentReplicas"] = current;
            status["desiredReplicas"] = desired;
            status["conditions"] = new JsonArray(
                Workloads.Condition(old, "AbleToScale", true, "ReadyForNewScale", "recommended size matches current size", false),
                Workloads.Condition(old, "ScalingActive", true, "ValidMetricFound", "the HPA was able to successfully calculate a replica count", false),
                Workloads.Condition(old, "ScalingLimited", false, "DesiredWithinRange", "the desired count is within the acceptable range", false));
        }
        WriteStatus(HpaType, hpa, status);
    }
}
