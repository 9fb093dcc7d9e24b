using System.Text;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Controllers;

/// <summary>Shared words of the simulated controllers: built-in types, owner references, failure injection, conditions.</summary>
internal static class Workloads
{
    /// <summary>Annotation that makes a workload (and the pods it creates) never become ready.</summary>
    public const string FailAnnotation = "kubesim.gitopsfleet.io/fail";

    public static readonly ResourceType Pods = Find("", "Pod");
    public static readonly ResourceType ReplicaSets = Find("apps", "ReplicaSet");
    public static readonly ResourceType Deployments = Find("apps", "Deployment");
    public static readonly ResourceType StatefulSets = Find("apps", "StatefulSet");
    public static readonly ResourceType DaemonSets = Find("apps", "DaemonSet");
    public static readonly ResourceType Jobs = Find("batch", "Job");

    private static ResourceType Find(string group, string kind) => BuiltInResources.All.First(r => r.Group == group && r.Kind == kind);

    public static JsonObject OwnerReference(ResourceType ownerType, JsonObject owner) => new()
    {
        ["apiVersion"] = ownerType.ApiVersion,
        ["kind"] = ownerType.Kind,
        ["name"] = Json.Str(owner["metadata"]?["name"]),
        ["uid"] = Json.Str(owner["metadata"]?["uid"]),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static bool IsOwnedBy(JsonObject obj, string? ownerUid) =>
        ownerUid is not null && obj["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => Json.Str(r?["uid"]) == ownerUid);

    public static bool IsTerminating(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    public static bool HasFailAnnotation(JsonObject obj) => Json.Str(obj["metadata"]?["annotations"]?[FailAnnotation]) == "true";

    public static bool HasBrokenImage(JsonObject? podSpec) =>
        podSpec?["containers"] is JsonArray containers &&
        containers.Any(c => Json.Str(c?["image"]) is { } image && image.EndsWith(":broken", StringComparison.Ordinal));

    public static bool IsFailing(JsonObject workload) =>
        HasFailAnnotation(workload) || HasBrokenImage(workload["spec"]?["template"]?["spec"] as JsonObject);

    public static bool IsPodReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => Json.Str(c?["type"]) == "Ready" && Json.Str(c?["status"]) == "True");

    /// <summary>A short stable hash of a pod template, like pod-template-hash.</summary>
    public static string TemplateHash(JsonNode? template)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(template?.ToJsonString() ?? ""))
        {
            hash = (hash ^ b) * 16777619u;
        }
        const string chars = "bcdfghjklmnpqrstvwxz2456789";
        var sb = new StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            sb.Append(chars[(int)(hash % (uint)chars.Length)]);
            hash = hash / (uint)chars.Length + (uint)(i * 7919);
        }
        return sb.ToString();
    }

    /// <summary>A condition that keeps its old timestamps when nothing about it changed, so reconciles settle.</summary>
    public static JsonObject Condition(JsonArray? old, string type, bool status, string reason, string message, bool withUpdateTime)
    {
        var previous = old?.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
        var statusText = status ? "True" : "False";
        var now = Json.Timestamp(DateTimeOffset.UtcNow);
        var same = previous is not null && Json.Str(previous["status"]) == statusText && Json.Str(previous["reason"]) == reason;
        var c = new JsonObject { ["type"] = type, ["status"] = statusText };
        if (withUpdateTime)
        {
            c["lastUpdateTime"] = same ? previous!["lastUpdateTime"]?.DeepClone() : now;
        }
        c["lastTransitionTime"] = previous is not null && Json.Str(previous["status"]) == statusText
            ? previous["lastTransitionTime"]?.DeepClone()
            : now;
        c["reason"] = reason;
        c["message"] = message;
        return c;
    }

    /// <summary>Builds a pod from a workload's template, carrying the failure annotation down.</summary>
    public static JsonObject PodFromTemplate(ResourceType ownerType, JsonObject owner, string name, JsonObject? extraLabels)
    {
        var template = owner["spec"]?["template"] as JsonObject ?? new JsonObject();
        var meta = template["metadata"] is JsonObject tm ? Json.Clone(tm) : new JsonObject();
        meta["name"] = name;
        meta["namespace"] = Json.Str(owner["metadata"]?["namespace"]);
        var labels = meta["labels"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in extraLabels ?? [])
        {
            labels[k] = v?.DeepClone();
        }
        meta["labels"] = labels;
        if (HasFailAnnotation(owner))
        {
            var annotations = meta["annotations"] as JsonObject ?? new JsonObject();
            annotations[FailAnnotation] = "true";
            meta["annotations"] = annotations;
        }
        meta["ownerReferences"] = new JsonArray(OwnerReference(ownerType, owner));
        var spec = template["spec"] is JsonObject ts ? Json.Clone(ts) : new JsonObject();
        spec["nodeName"] = "kubesim-node";
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
    }
}
