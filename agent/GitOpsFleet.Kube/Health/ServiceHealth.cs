using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Service health: a LoadBalancer is Progressing until it has an ingress address; other types are Healthy.</summary>
internal static class ServiceHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if (obj.Str("spec", "type") != "LoadBalancer")
        {
            return HealthResult.Healthy;
        }
        return obj.Objects("status", "loadBalancer", "ingress").Any()
            ? HealthResult.Healthy
            : HealthResult.Progressing("Waiting for the load balancer to get an address");
    }
}
