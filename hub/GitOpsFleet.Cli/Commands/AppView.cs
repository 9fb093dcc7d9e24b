using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary>The table form of one application: its spec, its status and a row per target (and per resource).</summary>
internal static class AppView
{
    public static void Write(Application a, bool withResources, TextWriter w)
    {
        var spec = a.Spec ?? new ApplicationSpec();
        var source = spec.Source ?? new ApplicationSource();
        var status = a.Status ?? new ApplicationStatus();
        var policy = spec.SyncPolicy ?? new SyncPolicy();
        w.WriteLine($"Name:        {a.Name}");
        w.WriteLine($"Project:     {Or(spec.Project)}");
        w.WriteLine($"Source:      {source.Repo} path={Or(source.Path)} revision={Or(source.Revision, "HEAD")} renderer={Or(source.Renderer, "directory")}");
        w.WriteLine($"Destination: clusters={Display.Labels(spec.Destination?.ClusterSelector ?? new Google.Protobuf.Collections.MapField<string, string>())} namespace={Or(spec.Destination?.Namespace)}");
        w.WriteLine($"Sync policy: {(policy.Automated ? "automated" : "manual")}{(policy.Prune ? ", prune" : string.Empty)}{(policy.SelfHeal ? ", self-heal" : string.Empty)}");
        w.WriteLine($"Revision:    {Or(status.Revision)}");
        w.WriteLine($"Status:      {Display.Sync(status.Sync)} / {Display.Health(status.Health)} ({ReadyTargets(a)}/{status.Targets.Count} targets ready)");
        if (!string.IsNullOrEmpty(status.Error)) w.WriteLine($"Error:       {status.Error}");
        w.WriteLine();

        var targets = new TableWriter("CLUSTER", "SYNC", "HEALTH", "REVISION", "PHASE", "CONNECTED", "MESSAGE");
        foreach (var t in status.Targets)
            targets.Row(t.Cluster, Display.Sync(t.Sync), Display.Health(t.Health), Display.Sha(t.ObservedRevision.Length > 0 ? t.ObservedRevision : t.DesiredRevision),
                t.Phase, t.Connected ? "yes" : "no", t.Message);
        targets.WriteTo(w);

        if (!withResources) return;
        w.WriteLine();
        var resources = new TableWriter("CLUSTER", "KIND", "NAMESPACE", "NAME", "SYNC", "HEALTH", "RESULT", "MESSAGE");
        foreach (var t in status.Targets)
        {
            foreach (var r in t.Resources)
            {
                var key = r.Key ?? new ResourceKey();
                resources.Row(t.Cluster, string.IsNullOrEmpty(key.Group) ? key.Kind : $"{key.Kind}.{key.Group}", key.Namespace, key.Name,
                    Display.Sync(r.Sync), Display.Health(r.Health), r.Result, r.Message);
            }
        }

        resources.WriteTo(w);
    }

    /// <summary>Targets that are Synced and Healthy at the application's current revision.</summary>
    public static int ReadyTargets(Application a) => a.Status?.Targets.Count(t => IsReady(a.Status, t, requireSync: true, requireHealth: true)) ?? 0;

    public static bool IsReady(ApplicationStatus status, TargetStatus t, bool requireSync, bool requireHealth)
    {
        var atRevision = !string.IsNullOrEmpty(status.Revision)
            && t.DesiredRevision == status.Revision
            && t.ObservedRevision == status.Revision
            && t.ObservedGeneration >= t.Generation;
        return atRevision
            && (!requireSync || t.Sync == SyncStatus.Synced)
            && (!requireHealth || t.Health == HealthStatus.Healthy);
    }

    private static string Or(string? value, string fallback = "-") => string.IsNullOrEmpty(value) ? fallback : value;
}
