using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>CRD health after Argo CD: NamesAccepted=False degrades, Established=True is healthy.</summary>
internal static class CustomResourceDefinitionHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if (obj.Str("metadata", "deletionTimestamp") is not null)
        {
            return HealthResult.Progressing("CRD is being terminated");
        }
        var names = obj.Condition("NamesAccepted");
        if (names?.Str("status") == "False")
        {
            return HealthResult.Degraded(names.Str("message") ?? "CRD names were not accepted");
        }
        var nonStructural = obj.Condition("NonStructuralSchema");
        if (nonStructural?.Str("status") == "True")
        {
            return HealthResult.Degraded(nonStructural.Str("message") ?? "CRD has a non-structural schema");
        }
        return obj.Condition("Established")?.Str("status") == "True"
            ? HealthResult.Healthy
            : HealthResult.Progressing("Waiting for the CRD to be established");
    }
}
