using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>ApplicationSource.helm / .jsonnet to and from the stored <see cref="RenderParametersModel"/>.</summary>
internal static class RenderParametersMapping
{
    /// <summary>The stored form; null when the source names no parameters. Checks what can be checked without the cluster.</summary>
    public static RenderParametersModel? ToParametersModel(this ApplicationSource source)
    {
        var helm = source.Helm ?? new HelmSource();
        var jsonnet = source.Jsonnet ?? new JsonnetSource();
        foreach (var (field, path) in helm.ValuesFiles.Select(f => ("application.spec.source.helm.values_files", f))
            .Concat(jsonnet.Libs.Select(l => ("application.spec.source.jsonnet.libs", l))))
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw HubException.Invalid(field, "holds an empty path");
            }
            if (path.StartsWith('/') || path.Contains("://", StringComparison.Ordinal))
            {
                throw HubException.Invalid(field, $"'{path}' is not a path inside the repository");
            }
        }
        CheckKeys(helm.Parameters.Keys, "application.spec.source.helm.parameters");
        CheckKeys(jsonnet.ExtVars.Keys, "application.spec.source.jsonnet.ext_vars");
        CheckKeys(jsonnet.Tlas.Keys, "application.spec.source.jsonnet.tlas");
        var model = new RenderParametersModel(
            helm.ReleaseName.Trim(),
            helm.ValuesFiles.ToList(),
            helm.Values,
            new Dictionary<string, string>(helm.Parameters, StringComparer.Ordinal),
            new Dictionary<string, string>(jsonnet.ExtVars, StringComparer.Ordinal),
            new Dictionary<string, string>(jsonnet.Tlas, StringComparer.Ordinal),
            jsonnet.Libs.ToList());
        return model.IsEmpty ? null : model;
    }

    /// <summary>Fills source.helm and source.jsonnet from the stored parameters (nothing when there are none).</summary>
    public static void AddParameters(this ApplicationSource source, RenderParametersModel? model)
    {
        if (model is null || model.IsEmpty)
        {
            return;
        }
        if (model.HelmReleaseName.Length > 0 || model.HelmValuesFiles.Count > 0 || model.HelmValues.Length > 0 || model.HelmParameters.Count > 0)
        {
            var helm = new HelmSource { ReleaseName = model.HelmReleaseName, Values = model.HelmValues };
            helm.ValuesFiles.AddRange(model.HelmValuesFiles);
            helm.Parameters.Add(model.HelmParameters.ToDictionary());
            source.Helm = helm;
        }
        if (model.JsonnetExtVars.Count > 0 || model.JsonnetTlas.Count > 0 || model.JsonnetLibraries.Count > 0)
        {
            var jsonnet = new JsonnetSource();
            jsonnet.ExtVars.Add(model.JsonnetExtVars.ToDictionary());
            jsonnet.Tlas.Add(model.JsonnetTlas.ToDictionary());
            jsonnet.Libs.AddRange(model.JsonnetLibraries);
            source.Jsonnet = jsonnet;
        }
    }

    private static void CheckKeys(IEnumerable<string> keys, string field)
    {
        foreach (var key in keys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('='))
            {
                throw HubException.Invalid(field, $"name '{key}' is empty or contains '='");
            }
        }
    }
}
