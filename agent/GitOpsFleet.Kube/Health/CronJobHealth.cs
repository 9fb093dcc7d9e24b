using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>CronJob health: Suspended when spec.suspend, otherwise Healthy (its Jobs carry their own health).</summary>
internal static class CronJobHealth
{
    public static HealthResult Evaluate(JsonObject obj)
        => obj.Bool("spec", "suspend") == true
            ? new HealthResult(HealthState.Suspended, "CronJob is suspended")
            : HealthResult.Healthy;
}
