using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GitOpsFleet.Cli.Infrastructure;
using YamlDotNet.Serialization;

namespace GitOpsFleet.Cli.Output;

/// <summary>Writes an API message as a table (the caller draws it), JSON (protobuf's JSON mapping) or YAML (from that JSON).</summary>
internal sealed class Printer(TextWriter stdout, string format)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public string Format { get; } = format;

    public bool IsTable => Format == "table";

    /// <summary>Prints <paramref name="message"/> as JSON or YAML, or calls <paramref name="table"/> for the table format.</summary>
    public void Print(IMessage message, Action<TextWriter> table)
    {
        switch (Format)
        {
            case "json":
                stdout.WriteLine(Json.Format(message));
                break;
            case "yaml":
                stdout.Write(ToYaml(Json.Format(message)));
                break;
            default:
                table(stdout);
                break;
        }
    }

    internal static string ToYaml(string json)
    {
        var plain = ToPlain(JsonNode.Parse(json));
        return new SerializerBuilder().WithQuotingNecessaryStrings().Build().Serialize(plain);
    }

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
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        },
        _ => throw new CliException("unexpected JSON node"),
    };
}
