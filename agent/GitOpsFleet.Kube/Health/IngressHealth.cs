using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Ingress health after Argo CD: Healthy once the controller published a load balancer address.</summary>
internal static class IngressHealth
{
    public static HealthResult Evaluate(JsonObject obj)
        => obj.Objects("status", "loadBalancer", "ingress").Any()
            ? HealthResult.Healthy
            : HealthResult.Progressing("Waiting for the ingress controller to publish an address");
}
