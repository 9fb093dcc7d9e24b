using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Server-side printing (meta.k8s.io/v1 Table) for kubectl get, with the columns people expect per kind.</summary>
internal static class TableConverter
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> objects, string? resourceVersion, string? continueToken, bool withColumns = true)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var o in objects)
        {
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray([.. columns.Select(c => SafeCell(c, o))]),
                ["object"] = o,
            });
        }
        var metadata = new JsonObject();
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion;
        if (continueToken is not null) metadata["continue"] = continueToken;
        var definitions = new JsonArray();
        if (withColumns)
        {
            foreach (var c in columns)
            {
                definitions.Add(new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = "string",
                    ["format"] = c.Name == "Name" ? "name" : "",
                    ["description"] = c.Name,
                    ["priority"] = 0,
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    // A stored object of an odd shape prints an empty cell instead of failing the whole list.
    private static JsonNode? SafeCell(Column column, JsonObject o)
    {
        try
        {
            return column.Cell(o);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException)
        {
            return JsonValue.Create("<invalid>");
        }
    }

    private sealed record Column(string Name, Func<JsonObject, JsonNode?> Cell);

    private static Column Col(string name, Func<JsonObject, string> cell) => new(name, o => JsonValue.Create(cell(o)));

    private static string S(JsonNode? n) => n switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };

    private static long L(JsonNode? n) => Json.Long(n) ?? 0;

    private static List<Column> Columns(ResourceType type)
    {
        var list = new List<Column> { Col("Name", o => S(o["metadata"]?["name"])) };
        if (!type.Custom)
        {
            switch (type.Kind)
            {
                case "Namespace":
                    list.Add(Col("Status", o => S(o["status"]?["phase"])));
                    break;
                case "Deployment":
                    list.Add(Col("Ready", o => $"{L(o["status"]?["readyReplicas"])}/{Json.Long(o["spec"]?["replicas"]) ?? 1}"));
                    list.Add(Col("Up-to-date", o => L(o["status"]?["updatedReplicas"]).ToString(CultureInfo.InvariantCulture)));
                    list.Add(Col("Available", o => L(o["status"]?["availableReplicas"]).ToString(CultureInfo.InvariantCulture)));
                    break;
                case "ReplicaSet":
                    list.Add(Col("Desired", o => (Json.Long(o["spec"]?["replicas"]) ?? 1).ToString(CultureInfo.InvariantCulture)));
                    list.Add(Col("Current", o => L(o["status"]?["replicas"]).ToString(CultureInfo.InvariantCulture)));
                    list.Add(Col("Ready", o => L(o["status"]?["readyReplicas"]).ToString(CultureInfo.InvariantCulture)));
                    break;
                case "StatefulSet":
                    list.Add(Col("Ready", o => $"{L(o["status"]?["readyReplicas"])}/{Json.Long(o["spec"]?["replicas"]) ?? 1}"));
                    break;
                case "Pod":
                    list.Add(Col("Ready", o =>
                    {
                        var statuses = o["status"]?["containerStatuses"] as JsonArray ?? [];
                        var total = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                        return $"{statuses.Count(s => s?["ready"]?.GetValue<bool>() == true)}/{total}";
                    }));
                    list.Add(Col("Status", o =>
                        (o["status"]?["containerStatuses"] as JsonArray)?.Select(s => S(s?["state"]?["waiting"]?["reason"])).FirstOrDefault(r => r.Length > 0)
                        ?? S(o["status"]?["phase"])));
                    list.Add(Col("Restarts", o => ((o["status"]?["containerStatuses"] as JsonArray)?.Sum(s => L(s?["restartCount"])) ?? 0).ToString(CultureInfo.InvariantCulture)));
                    break;
                case "Service":
                    list.Add(Col("Type", o => S(o["spec"]?["type"])));
                    list.Add(Col("Cluster-IP", o => S(o["spec"]?["clusterIP"])));
                    list.Add(Col("External-IP", o => (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(i => S(i?["ip"])).FirstOrDefault() ?? "<none>"));
                    list.Add(Col("Port(s)", o => string.Join(",", (o["spec"]?["ports"] as JsonArray ?? []).Select(p => $"{S(p?["port"])}/{S(p?["protocol"])}"))));
                    break;
                case "Job":
                    list.Add(Col("Status", o => o["status"]?["completionTime"] is not null ? "Complete" : "Running"));
                    list.Add(Col("Completions", o => $"{L(o["status"]?["succeeded"])}/{Json.Long(o["spec"]?["completions"]) ?? 1}"));
                    break;
                case "PersistentVolumeClaim":
                    list.Add(Col("Status", o => S(o["status"]?["phase"])));
                    break;
                case "ConfigMap":
                    list.Add(Col("Data", o => ((o["data"] as JsonObject)?.Count ?? 0).ToString(CultureInfo.InvariantCulture)));
                    break;
            }
        }
        list.Add(Col("Age", o => Age(S(o["metadata"]?["creationTimestamp"]))));
        return list;
    }

    private static string Age(string timestamp)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return "<unknown>";
        }
        var age = DateTimeOffset.UtcNow - t;
        return age.TotalSeconds < 120 ? $"{(int)Math.Max(0, age.TotalSeconds)}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
