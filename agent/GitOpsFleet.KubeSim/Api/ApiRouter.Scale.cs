using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;
using Microsoft.AspNetCore.Http;

namespace GitOpsFleet.KubeSim.Api;

internal sealed partial class ApiRouter
{
    /// <summary>The scale subresource (autoscaling/v1 Scale) of Deployments, StatefulSets and ReplicaSets, as kubectl scale uses it.</summary>
    private async Task ScaleAsync(HttpContext context, ResourceType type, string? ns, string name, WriteOptions options, CancellationToken stopping)
    {
        var current = service.Get(type, ns, name);
        var scale = ScaleOf(current);
        switch (context.Request.Method)
        {
            case "GET":
                await WriteAsync(context, 200, scale);
                return;
            case "PUT" or "PATCH":
                var text = await ReadBodyAsync(context, stopping);
                var contentType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim();
                JsonNode? desired = context.Request.Method == "PUT"
                    ? BodyParser.ParseObject(contentType, text)
                    : contentType switch
                    {
                        "application/json-patch+json" when BodyParser.ParseJson(text) is JsonArray ops => Patching.JsonPatch(scale, ops),
                        "application/merge-patch+json" or "application/strategic-merge-patch+json" => Patching.MergePatch(scale, BodyParser.ParseJson(text)),
                        "application/apply-patch+yaml" => Patching.MergePatch(scale, YamlJson.Parse(text)),
                        _ => throw new ApiException(415, "UnsupportedMediaType", $"unsupported patch type {contentType} for the scale subresource"),
                    };
                var replicas = Json.Long(desired?["spec"]?["replicas"]) ?? throw ApiException.BadRequest("the Scale object needs spec.replicas");
                var rv = Json.Str(desired?["metadata"]?["resourceVersion"]);
                var updated = Json.Clone(current);
                (updated["spec"] as JsonObject ?? (JsonObject)(updated["spec"] = new JsonObject()))["replicas"] = replicas;
                Json.Metadata(updated)["resourceVersion"] = string.IsNullOrEmpty(rv) ? null : rv;
                var result = service.Update(type, ns, name, null, updated, options);
                await WriteAsync(context, 200, ScaleOf(result));
                return;
            default:
                throw ApiException.MethodNotSupported(type, context.Request.Method);
        }
    }

    private static JsonObject ScaleOf(JsonObject obj)
    {
        var meta = obj["metadata"]!;
        var selector = obj["spec"]?["selector"]?["matchLabels"] as JsonObject;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = Json.Long(obj["spec"]?["replicas"]) ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = Json.Long(obj["status"]?["replicas"]) ?? 0,
                ["selector"] = selector is null ? "" : string.Join(",", selector.Select(p => $"{p.Key}={Json.Str(p.Value)}")),
            },
        };
    }
}
