namespace GitOpsFleet.Kube.Health;

/// <summary>Health of one resource or application, after Argo CD's health statuses.</summary>
public enum HealthState
{
    Unknown,
    Healthy,
    Progressing,
    Degraded,
    Suspended,
    Missing,
}
