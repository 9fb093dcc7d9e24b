namespace GitOpsFleet.Kube.Health;

/// <summary>A health verdict and the reason for it.</summary>
public sealed record HealthResult(HealthState State, string Message = "")
{
    public static readonly HealthResult Healthy = new(HealthState.Healthy);
    public static readonly HealthResult Missing = new(HealthState.Missing, "resource does not exist");

    public static HealthResult Progressing(string message) => new(HealthState.Progressing, message);
    public static HealthResult Degraded(string message) => new(HealthState.Degraded, message);
}
