using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>
/// Reads <c>source.helm</c> (releaseName, valueFiles, values, parameters) and <c>source.jsonnet</c> (extVars, tlas, libs)
/// strictly: an unknown field is an error that names it.
/// </summary>
internal static class RenderParametersReader
{
    public static void Read(StrictMap source, ApplicationSource into)
    {
        var helm = source.Map("helm");
        var helmSource = new HelmSource
        {
            ReleaseName = helm.String("releaseName") ?? string.Empty,
            Values = helm.String("values") ?? string.Empty,
        };
        helmSource.ValuesFiles.Add(helm.Strings("valueFiles"));
        helmSource.Parameters.Add(helm.StringMap("parameters"));
        helm.Done();
        if (helmSource.ReleaseName.Length > 0 || helmSource.Values.Length > 0 || helmSource.ValuesFiles.Count > 0 || helmSource.Parameters.Count > 0)
        {
            into.Helm = helmSource;
        }

        var jsonnet = source.Map("jsonnet");
        var jsonnetSource = new JsonnetSource();
        jsonnetSource.ExtVars.Add(jsonnet.StringMap("extVars"));
        jsonnetSource.Tlas.Add(jsonnet.StringMap("tlas"));
        jsonnetSource.Libs.Add(jsonnet.Strings("libs"));
        jsonnet.Done();
        if (jsonnetSource.ExtVars.Count > 0 || jsonnetSource.Tlas.Count > 0 || jsonnetSource.Libs.Count > 0)
        {
            into.Jsonnet = jsonnetSource;
        }
    }
}
