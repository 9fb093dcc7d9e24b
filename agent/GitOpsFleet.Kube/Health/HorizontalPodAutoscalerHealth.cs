using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>HPA health after Argo CD: a failed scale or metric read degrades it; no conditions yet is Progressing.</summary>
internal static class HorizontalPodAutoscalerHealth
{
    private static readonly HashSet<string> DegradedReasons =
        ["FailedGetScale", "FailedUpdateScale", "FailedGetResourceMetric", "InvalidSelector", "FailedComputeMetricsReplicas", "FailedGetObjectMetric", "FailedGetPodsMetric", "FailedGetExternalMetric", "FailedGetContainerResourceMetric"];

    public static HealthResult Evaluate(JsonObject obj)
    {
        var conditions = obj.Objects("status", "conditions").ToList();
        if (conditions.Count == 0)
        {
            return HealthResult.Progressing("Waiting to Autoscale");
        }
        foreach (var condition in conditions)
        {
            if (condition.Str("status") == "False" && DegradedReasons.Contains(condition.Str("reason") ?? ""))
            {
                return HealthResult.Degraded(condition.Str("message") ?? condition.Str("reason")!);
            }
        }
        return HealthResult.Healthy;
    }
}
