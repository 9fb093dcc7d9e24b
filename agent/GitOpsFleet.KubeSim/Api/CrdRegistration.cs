using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Turns a CustomResourceDefinition into served resources, and marks it Established and NamesAccepted.</summary>
internal static class CrdRegistration
{
    public static void Accept(ResourceRegistry registry, JsonObject crd, bool register = true)
    {
        var spec = crd["spec"] as JsonObject ?? throw ApiException.Invalid(BuiltInResources.All[20], Json.Str(crd["metadata"]?["name"]) ?? "", "spec", "Required value");
        var group = Json.Str(spec["group"]) ?? "";
        var names = spec["names"] as JsonObject ?? new JsonObject();
        var kind = Json.Str(names["kind"]) ?? "";
        var plural = Json.Str(names["plural"]) ?? "";
        var crdName = Json.Str(crd["metadata"]?["name"]) ?? "";
        var crdType = BuiltInResources.All.First(r => r.Kind == "CustomResourceDefinition");
        if (group.Length == 0 || kind.Length == 0 || plural.Length == 0)
        {
            throw ApiException.Invalid(crdType, crdName, "spec.names", "Required value: group, names.kind and names.plural must be set");
        }
        if (crdName != $"{plural}.{group}")
        {
            throw ApiException.Invalid(crdType, crdName, "metadata.name", $"Invalid value: \"{crdName}\": must be spec.names.plural+\".\"+spec.group");
        }
        var namespaced = Json.Str(spec["scope"]) != "Cluster";
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => Json.Str(n) ?? "").Where(n => n.Length > 0).ToArray() ?? [];
        var types = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
            {
                continue;
            }
            var hasStatus = version["subresources"]?["status"] is not null;
            types.Add(new ResourceType(group, Json.Str(version["name"]) ?? "v1", kind, plural, namespaced, hasStatus, shortNames,
                HasScale: version["subresources"]?["scale"] is not null, Custom: true));
        }
        if (register)
        {
            registry.SetCustom(group, plural, types);
        }
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray([.. types.Select(t => (JsonNode)JsonValue.Create(t.Version)!)]),
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
        };
    }

    private static JsonObject Condition(string type, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = Json.Timestamp(DateTimeOffset.UtcNow),
        ["reason"] = reason,
        ["message"] = message,
    };
}
