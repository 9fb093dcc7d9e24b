using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Health of every managed object of one application and the application's overall health.</summary>
public sealed record AppHealthReport(IReadOnlyList<ResourceStatusRow> Resources, HealthState Health)
{
    public bool OutOfSync => Resources.Any(r => r.OutOfSync);
}
