using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Bench;

/// <summary>
/// The application the scenarios deploy, as JSON files: 30% Deployments (1 replica), 30%
/// Services, the rest ConfigMaps. A new version changes every ConfigMap's data and every
/// Deployment's pod template, so a commit makes every workload roll.
/// </summary>
internal static class BenchManifests
{
    public static Dictionary<string, string> Files(int resources, string version, bool workloads = true)
    {
        var deployments = workloads ? resources * 3 / 10 : 0;
        var services = resources * 3 / 10;
        var configMaps = resources - deployments - services;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < configMaps; i++)
        {
            files[$"cm-{i:D3}.json"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = $"cm-{i:D3}" },
                ["data"] = new JsonObject { ["version"] = version, ["config.yaml"] = $"key: value-{i}\nother: thing\n" },
            }.ToJsonString();
        }
        for (var i = 0; i < services; i++)
        {
            files[$"svc-{i:D3}.json"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = $"svc-{i:D3}" },
                ["spec"] = new JsonObject
                {
                    ["selector"] = new JsonObject { ["app"] = $"web-{i:D3}" },
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080 }),
                },
            }.ToJsonString();
        }
        for (var i = 0; i < deployments; i++)
        {
            var name = $"web-{i:D3}";
            files[$"deploy-{i:D3}.json"] = new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 1,
                    ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                    ["template"] = new JsonObject
                    {
                        ["metadata"] = new JsonObject
                        {
                            ["labels"] = new JsonObject { ["app"] = name },
                            ["annotations"] = new JsonObject { ["bench.gitopsfleet.io/version"] = version },
                        },
                        ["spec"] = new JsonObject
                        {
                            ["containers"] = new JsonArray(new JsonObject
                            {
                                ["name"] = "web",
                                ["image"] = "nginx:1.27",
                                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
                                ["env"] = new JsonArray(new JsonObject { ["name"] = "VERSION", ["value"] = version }),
                            }),
                        },
                    },
                },
            }.ToJsonString();
        }
        return files;
    }

    /// <summary>Writes one version of the application under app/ and commits it.</summary>
    public static string CommitVersion(GitTestRepository git, int resources, string version, bool workloads = true)
    {
        foreach (var (file, json) in Files(resources, version, workloads))
        {
            git.WriteFile("app/" + file, json);
        }
        return git.Commit("version " + version);
    }

    /// <summary>The same manifests as a wire bundle (for the bare-gRPC floor).</summary>
    public static Bundle Bundle(int resources, string version, bool workloads = true)
    {
        var bundle = new Bundle();
        foreach (var json in Files(resources, version, workloads).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value))
        {
            bundle.Manifests.Add(new Manifest { Json = json });
        }
        return bundle;
    }

    public static string Version(int run) => "v" + run.ToString(CultureInfo.InvariantCulture);
}
