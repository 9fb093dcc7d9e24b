using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>DaemonSet health after Argo CD: every scheduled pod updated and available.</summary>
internal static class DaemonSetHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if (!HealthEvaluator.Observed(obj))
        {
            return HealthResult.Progressing("Waiting for rollout to finish: observed daemon set generation less than desired generation");
        }
        if (obj.Str("spec", "updateStrategy", "type") == "OnDelete")
        {
            return new HealthResult(HealthState.Healthy, $"daemon set {obj.Int("status", "currentNumberScheduled") ?? 0} out of {obj.Int("status", "desiredNumberScheduled") ?? 0} new pods have been updated");
        }
        var desired = obj.Int("status", "desiredNumberScheduled") ?? 0;
        var updated = obj.Int("status", "updatedNumberScheduled") ?? 0;
        var available = obj.Int("status", "numberAvailable") ?? 0;
        if (updated < desired)
        {
            return HealthResult.Progressing($"Waiting for daemon set \"{obj.Str("metadata", "name")}\" rollout to finish: {updated} out of {desired} new pods have been updated...");
        }
        if (available < desired)
        {
            return HealthResult.Progressing($"Waiting for daemon set \"{obj.Str("metadata", "name")}\" rollout to finish: {available} of {desired} updated pods are available...");
        }
        return HealthResult.Healthy;
    }
}
