using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>PersistentVolumeClaim health by phase: Bound healthy, Pending progressing, Lost degraded.</summary>
internal static class PersistentVolumeClaimHealth
{
    public static HealthResult Evaluate(JsonObject obj) => obj.Str("status", "phase") switch
    {
        "Bound" => HealthResult.Healthy,
        "Pending" => HealthResult.Progressing("PersistentVolumeClaim is pending"),
        "Lost" => HealthResult.Degraded("PersistentVolumeClaim lost its volume"),
        _ => new HealthResult(HealthState.Unknown, "PersistentVolumeClaim has no phase yet"),
    };
}
