using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Health of every managed object of one application and the application's overall health.</summary>
public sealed record AppHealthReport(IReadOnlyList<ResourceStatusRow> Resources, HealthState Health)
{
    public bool OutOfSync => Resources.Any(r => r.OutOfSync);

    /// <summary>The live objects the assessment read or was given, by <see cref="ResourceKey.Identity"/> (none for a missing object).</summary>
    public IReadOnlyDictionary<string, JsonObject> Live { get; init; } = new Dictionary<string, JsonObject>();
}
