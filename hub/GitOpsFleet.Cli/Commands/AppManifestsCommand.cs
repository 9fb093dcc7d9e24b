using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Fleet;
using YamlDotNet.Serialization;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet app manifests APP [--cluster NAME] [--revision REV]</c>: the rendered bundle, as multi-document YAML or a JSON List.</summary>
internal static class AppManifestsCommand
{
    public static Command Build(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var cluster = new Option<string?>("--cluster") { Description = "Render for this cluster (default: the application's first target)" };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: the commit the application is on)" };
        var manifests = new Command("manifests", "Print the manifests the hub renders for an application (YAML; -o json for a List)") { name, cluster, revision };
        return app.WithAction(manifests, async (ctx, parse, ct) =>
        {
            var request = new GetApplicationManifestsRequest
            {
                Name = parse.GetValue(name)!,
                Cluster = parse.GetValue(cluster) ?? string.Empty,
                Revision = parse.GetValue(revision) ?? string.Empty,
            };
            var reply = await ctx.Client.GetApplicationManifestsAsync(request, ctx.Call(ct, TimeSpan.FromMinutes(5)));
            if (reply.Error.Length > 0)
            {
                throw new CliException($"application {request.Name} did not render at {Output.Display.Sha(reply.Revision)}: {reply.Error}");
            }
            await ctx.Stdout.WriteAsync(ctx.Printer.Format == "json" ? ToJsonList(reply) : ToYaml(request.Name, reply));
            return ExitCodes.Success;
        });
    }

    internal static string ToJsonList(ApplicationManifests reply)
    {
        var items = new JsonArray(reply.ManifestsJson.Select(j => JsonNode.Parse(j)).ToArray());
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return list.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    internal static string ToYaml(string application, ApplicationManifests reply)
    {
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        var text = new System.Text.StringBuilder();
        var where = reply.Cluster.Length > 0 ? $" for cluster {reply.Cluster}" : string.Empty;
        text.Append($"# application {application} at {reply.Revision}{where}: {reply.ManifestsJson.Count} objects\n");
        foreach (var json in reply.ManifestsJson)
        {
            text.Append("---\n");
            text.Append(serializer.Serialize(ToPlain(JsonNode.Parse(json))));
        }
        return text.ToString();
    }

    // Numbers stay numbers (replicas: 3, not '3'); strings that would read as something else get quoted by the serializer.
    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
