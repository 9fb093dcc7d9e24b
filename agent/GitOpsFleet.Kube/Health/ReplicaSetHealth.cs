using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>ReplicaSet health after Argo CD: a ReplicaFailure condition degrades it; otherwise it waits for available replicas.</summary>
internal static class ReplicaSetHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if (!HealthEvaluator.Observed(obj))
        {
            return HealthResult.Progressing("Waiting for rollout to finish: observed replica set generation less than desired generation");
        }
        var failure = obj.Condition("ReplicaFailure");
        if (failure?.Str("status") == "True")
        {
            return HealthResult.Degraded(failure.Str("message") ?? "ReplicaFailure");
        }
        var replicas = obj.Int("spec", "replicas") ?? 1;
        var available = obj.Int("status", "availableReplicas") ?? 0;
        if (available < replicas)
        {
            return HealthResult.Progressing($"Waiting for rollout to finish: {available} out of {replicas} new replicas are available...");
        }
        return HealthResult.Healthy;
    }
}
