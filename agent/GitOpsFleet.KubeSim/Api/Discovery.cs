using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Legacy (APIResourceList / APIGroupList) discovery documents, which kubectl and KubernetesClient both accept.</summary>
internal static class Discovery
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-kubesim",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups(ResourceRegistry registry)
    {
        var groups = new JsonArray();
        foreach (var group in registry.All.Where(r => r.Group.Length > 0).GroupBy(r => r.Group))
        {
            groups.Add(Group(group.Key, group));
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Group(ResourceRegistry registry, string name)
    {
        var types = registry.All.Where(r => r.Group == name).ToList();
        if (types.Count == 0)
        {
            return null;
        }
        var group = Group(name, types);
        group["kind"] = "APIGroup";
        group["apiVersion"] = "v1";
        return group;
    }

    private static JsonObject Group(string name, IEnumerable<ResourceType> types)
    {
        var versions = types.Select(t => t.Version).Distinct().ToList();
        var list = new JsonArray();
        foreach (var v in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{name}/{v}", ["version"] = v });
        }
        return new JsonObject
        {
            ["name"] = name,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{name}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    public static JsonObject? Resources(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var t in types)
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. ResourceType.AllVerbs.Select(v => (JsonNode)JsonValue.Create(v)!)]),
            };
            if (t.ShortNames.Length > 0)
            {
                entry["shortNames"] = new JsonArray([.. t.ShortNames.Select(s => (JsonNode)JsonValue.Create(s)!)]);
            }
            if (t.Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Pod" or "Service" or "Job" or "CronJob")
            {
                entry["categories"] = new JsonArray("all");
            }
            resources.Add(entry);
            if (t.Kind == "Pod" && !t.Custom)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/log",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = "Pod",
                    ["verbs"] = new JsonArray("get"),
                });
            }
            if (t.HasScale)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
