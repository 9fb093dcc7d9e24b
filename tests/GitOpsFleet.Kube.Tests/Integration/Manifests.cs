using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Tests.Integration;

/// <summary>Manifests (JSON, as bundles carry them) for integration tests.</summary>
internal static class Manifests
{
    private static JsonObject Meta(string name, string? ns = null, params (string Key, string Value)[] annotations)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }
        if (annotations.Length > 0)
        {
            meta["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }
        return meta;
    }

    public static string Deployment(string name, string image = "nginx:1.27", int replicas = 2, string? ns = null, string? wave = null, int? progressDeadline = null)
    {
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }) },
            },
        };
        if (progressDeadline is not null)
        {
            spec["progressDeadlineSeconds"] = progressDeadline;
        }
        var annotations = wave is null ? [] : new[] { (WellKnown.SyncWaveAnnotation, wave) };
        return new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = Meta(name, ns, annotations), ["spec"] = spec }.ToJsonString();
    }

    public static string Service(string name) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Meta(name),
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
        },
    }.ToJsonString();

    public static string ConfigMap(string name, string value = "a", bool keep = false, string? wave = null)
    {
        var annotations = new List<(string, string)>();
        if (keep)
        {
            annotations.Add((WellKnown.PruneAnnotation, "false"));
        }
        if (wave is not null)
        {
            annotations.Add((WellKnown.SyncWaveAnnotation, wave));
        }
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = Meta(name, null, annotations.ToArray()), ["data"] = new JsonObject { ["key"] = value } }.ToJsonString();
    }

    public static string Job(string name, string hook, string image = "busybox:1.36", string? deletePolicy = null)
    {
        var annotations = new List<(string, string)> { (WellKnown.ArgoHookAnnotation, hook) };
        if (deletePolicy is not null)
        {
            annotations.Add((WellKnown.ArgoHookDeletePolicyAnnotation, deletePolicy));
        }
        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = Meta(name, null, annotations.ToArray()),
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["restartPolicy"] = "Never",
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }),
                    },
                },
            },
        }.ToJsonString();
    }

    public static string Crd(string group, string kind, string plural) => new JsonObject
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = Meta($"{plural}.{group}"),
        ["spec"] = new JsonObject
        {
            ["group"] = group,
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["kind"] = kind, ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["listKind"] = kind + "List" },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = "v1",
                ["served"] = true,
                ["storage"] = true,
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
            }),
        },
    }.ToJsonString();

    public static string Custom(string group, string kind, string name) => new JsonObject
    {
        ["apiVersion"] = group + "/v1",
        ["kind"] = kind,
        ["metadata"] = Meta(name),
        ["spec"] = new JsonObject { ["size"] = 3 },
    }.ToJsonString();
}
