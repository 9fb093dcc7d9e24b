using GitOpsFleet.Sources;

namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// Helm and Jsonnet parameters of an application, as stored; string values may hold {{cluster.name}} and
/// {{cluster.labels.KEY}}, which the renderer substitutes per cluster.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RenderParametersModel(
    string HelmReleaseName,
    IReadOnlyList<string> HelmValuesFiles,
    string HelmValues,
    IReadOnlyDictionary<string, string> HelmParameters,
    IReadOnlyDictionary<string, string> JsonnetExtVars,
    IReadOnlyDictionary<string, string> JsonnetTlas,
    IReadOnlyList<string> JsonnetLibraries)
{
    public bool IsEmpty => HelmReleaseName.Length == 0 && HelmValuesFiles.Count == 0 && HelmValues.Length == 0 && HelmParameters.Count == 0
        && JsonnetExtVars.Count == 0 && JsonnetTlas.Count == 0 && JsonnetLibraries.Count == 0;

    /// <summary>The Sources library's form (null when there is nothing to pass).</summary>
    public RenderParameters? ToRenderParameters() => IsEmpty ? null : new RenderParameters(
        HelmReleaseName.Length > 0 ? HelmReleaseName : null,
        HelmValuesFiles,
        HelmValues.Length > 0 ? HelmValues : null,
        HelmParameters,
        JsonnetExtVars,
        JsonnetTlas,
        JsonnetLibraries);
}
