using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>
/// OpenAPI v3 documents just rich enough for kubectl: an index of group-versions and, per
/// group-version, paths whose PATCH operations name their kind and accept fieldValidation, which
/// is what kubectl checks before it leaves validation to the server.
/// </summary>
internal static class OpenApi
{
    public static JsonObject Index(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(r => (r.Group, r.Version)).Distinct())
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            // The hash only has to change when the document does; the set of kinds decides that here.
            var hash = string.Join(",", registry.All.Where(r => r.Group == gv.Group && r.Version == gv.Version).Select(r => r.Kind)).GetHashCode().ToString("X8");
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }
        var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            var gvk = new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version };
            var item = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            var collection = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}" : $"{prefix}/{t.Plural}";
            paths[item] = new JsonObject
            {
                ["get"] = Operation("read", t, gvk, false),
                ["put"] = Operation("replace", t, gvk, true),
                ["patch"] = Operation("patch", t, gvk, true),
                ["delete"] = Operation("delete", t, gvk, false),
            };
            paths[collection] = new JsonObject
            {
                ["get"] = Operation("list", t, gvk, false),
                ["post"] = Operation("create", t, gvk, true),
            };
            if (t.HasStatus)
            {
                paths[item + "/status"] = new JsonObject
                {
                    ["get"] = Operation("read", t, gvk, false),
                    ["put"] = Operation("replace", t, gvk, true),
                    ["patch"] = Operation("patch", t, gvk, true),
                };
            }
            schemas[SchemaName(t)] = new JsonObject
            {
                ["type"] = "object",
                ["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone()),
                ["x-kubernetes-preserve-unknown-fields"] = true,
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string SchemaName(ResourceType t) => $"io.k8s.kubesim.{(t.Group.Length == 0 ? "core" : t.Group)}.{t.Version}.{t.Kind}";

    private static JsonObject Operation(string action, ResourceType t, JsonObject gvk, bool writes)
    {
        var parameters = new JsonArray();
        if (writes)
        {
            foreach (var name in new[] { "dryRun", "fieldManager", "fieldValidation", "force" })
            {
                parameters.Add(new JsonObject
                {
                    ["name"] = name,
                    ["in"] = "query",
                    ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
                });
            }
        }
        var op = new JsonObject
        {
            ["operationId"] = $"{action}{t.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{SchemaName(t)}" } },
                    },
                },
            },
            ["x-kubernetes-action"] = action == "read" ? "get" : action == "replace" ? "put" : action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
        return op;
    }
}
