using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary>The Helm and Jsonnet flags of <c>fleet app create</c>; values may use {{cluster.name}} and {{cluster.labels.KEY}}.</summary>
internal sealed class AppSourceOptions
{
    public Option<string?> ReleaseName { get; } = new("--release-name") { Description = "Helm release name (default: the chart folder's name)" };
    public Option<string[]> HelmValues { get; } = new("--helm-values") { Description = "Helm values file in the repository, relative to the chart (repeatable, in order)" };
    public Option<string[]> HelmSet { get; } = new("--helm-set") { Description = "Helm value key=value, applied last (repeatable)" };
    public Option<string[]> JsonnetExtVar { get; } = new("--jsonnet-ext-var") { Description = "Jsonnet external string variable key=value (repeatable)" };
    public Option<string[]> JsonnetTla { get; } = new("--jsonnet-tla") { Description = "Jsonnet top-level string argument key=value (repeatable)" };
    public Option<string[]> JsonnetLib { get; } = new("--jsonnet-lib") { Description = "Jsonnet library folder in the repository (-J, repeatable)" };

    public IEnumerable<Option> All => [ReleaseName, HelmValues, HelmSet, JsonnetExtVar, JsonnetTla, JsonnetLib];

    /// <summary>Sets source.helm and source.jsonnet from the flags given (neither when no flag is given).</summary>
    public void ApplyTo(ParseResult parse, ApplicationSource source)
    {
        var helm = new HelmSource { ReleaseName = parse.GetValue(ReleaseName) ?? string.Empty };
        helm.ValuesFiles.Add(parse.GetValue(HelmValues) ?? []);
        helm.Parameters.Add(KeyValues(parse.GetValue(HelmSet), "--helm-set"));
        if (helm.ReleaseName.Length > 0 || helm.ValuesFiles.Count > 0 || helm.Parameters.Count > 0)
        {
            source.Helm = helm;
        }
        var jsonnet = new JsonnetSource();
        jsonnet.ExtVars.Add(KeyValues(parse.GetValue(JsonnetExtVar), "--jsonnet-ext-var"));
        jsonnet.Tlas.Add(KeyValues(parse.GetValue(JsonnetTla), "--jsonnet-tla"));
        jsonnet.Libs.Add(parse.GetValue(JsonnetLib) ?? []);
        if (jsonnet.ExtVars.Count > 0 || jsonnet.Tlas.Count > 0 || jsonnet.Libs.Count > 0)
        {
            source.Jsonnet = jsonnet;
        }
    }

    /// <summary>key=value pairs split at the first '=' only: a value may hold '=' and ','.</summary>
    internal static Dictionary<string, string> KeyValues(IEnumerable<string>? values, string option)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=');
            if (eq <= 0)
            {
                throw new CliException($"{option} '{value}' is not key=value");
            }
            result[value[..eq].Trim()] = value[(eq + 1)..];
        }
        return result;
    }
}
