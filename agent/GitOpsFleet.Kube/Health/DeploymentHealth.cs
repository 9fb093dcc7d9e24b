using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Deployment health after Argo CD (kubectl rollout status): never Healthy before the controller observed the applied generation.</summary>
internal static class DeploymentHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if (obj.Bool("spec", "paused") == true)
        {
            return new HealthResult(HealthState.Suspended, "Deployment is paused");
        }
        if (!HealthEvaluator.Observed(obj))
        {
            return HealthResult.Progressing("Waiting for rollout to finish: observed deployment generation less than desired generation");
        }
        var progressing = obj.Condition("Progressing");
        if (progressing?.Str("reason") == "ProgressDeadlineExceeded")
        {
            return HealthResult.Degraded($"Deployment \"{obj.Str("metadata", "name")}\" exceeded its progress deadline");
        }
        var replicas = obj.Int("spec", "replicas") ?? 1;
        var updated = obj.Int("status", "updatedReplicas") ?? 0;
        var total = obj.Int("status", "replicas") ?? 0;
        var available = obj.Int("status", "availableReplicas") ?? 0;
        if (updated < replicas)
        {
            return HealthResult.Progressing($"Waiting for rollout to finish: {updated} out of {replicas} new replicas have been updated...");
        }
        if (total > updated)
        {
            return HealthResult.Progressing($"Waiting for rollout to finish: {total - updated} old replicas are pending termination...");
        }
        if (available < updated)
        {
            return HealthResult.Progressing($"Waiting for rollout to finish: {available} of {updated} updated replicas are available...");
        }
        return HealthResult.Healthy;
    }
}
