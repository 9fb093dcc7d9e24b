using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Defaults the real API server fills in when an object is created (what admission and registry strategies do).</summary>
internal static class Admission
{
    public static void OnCreate(ResourceService service, ResourceType type, JsonObject obj, bool dryRun)
    {
        var meta = Json.Metadata(obj);
        switch (type.Kind)
        {
            case "Namespace" when !type.Custom:
                var labels = meta["labels"] as JsonObject ?? new JsonObject();
                labels["kubernetes.io/metadata.name"] = Json.Str(meta["name"]);
                meta["labels"] = labels;
                obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case "Service" when !type.Custom:
                DefaultService(obj);
                break;
            case "Pod" when !type.Custom:
                obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
                break;
            case "PersistentVolumeClaim" when !type.Custom:
                obj["status"] = new JsonObject { ["phase"] = "Pending" };
                break;
            case "CustomResourceDefinition" when type.Group == "apiextensions.k8s.io":
                // A dry run shows the accepted status but serves nothing new.
                CrdRegistration.Accept(service.Registry, obj, register: !dryRun);
                break;
        }
    }

    private static void DefaultService(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = new JsonObject();
            obj["spec"] = spec;
        }
        var serviceType = Json.Str(spec["type"]) ?? "ClusterIP";
        spec["type"] = serviceType;
        if (serviceType != "ExternalName" && spec["clusterIP"] is null)
        {
            var ip = $"10.96.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(2, 255)}";
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
        }
        spec["sessionAffinity"] ??= "None";
        if (spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }
        }
        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
    }
}
