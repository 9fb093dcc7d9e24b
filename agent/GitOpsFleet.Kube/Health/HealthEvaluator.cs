using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Assesses the health of a live object by its kind; one rule per kind, in its own file.</summary>
public static class HealthEvaluator
{
    // Worst last: an application is as healthy as its least healthy resource (Argo CD's order).
    private static readonly HealthState[] Order =
        [HealthState.Healthy, HealthState.Suspended, HealthState.Progressing, HealthState.Missing, HealthState.Degraded, HealthState.Unknown];

    public static HealthResult Evaluate(JsonObject? live) => Evaluate(live, []);

    /// <summary>Health by the application's own <paramref name="rules"/> first, then by the built-in rule for the kind.</summary>
    public static HealthResult Evaluate(JsonObject? live, IReadOnlyList<HealthRule> rules)
    {
        if (live is null)
        {
            return HealthResult.Missing;
        }
        var (group, _) = ResourceKey.SplitApiVersion(live.Str("apiVersion") ?? "");
        var kind = live.Str("kind") ?? "";
        if (rules.Count > 0 && CustomHealthRules.Evaluate(live, group, kind, rules) is { } custom)
        {
            // Custom rules speak for the applied generation only, like the built-in ones.
            return custom.State == HealthState.Healthy && live.Int("status", "observedGeneration") is { } observed && observed < (live.Int("metadata", "generation") ?? 0)
                ? HealthResult.Progressing($"waiting for the controller to observe generation {live.Int("metadata", "generation")}")
                : custom;
        }
        return (group, kind) switch
        {
            ("apps", "Deployment") => DeploymentHealth.Evaluate(live),
            ("apps", "StatefulSet") => StatefulSetHealth.Evaluate(live),
            ("apps", "DaemonSet") => DaemonSetHealth.Evaluate(live),
            ("apps", "ReplicaSet") => ReplicaSetHealth.Evaluate(live),
            ("", "Pod") => PodHealth.Evaluate(live),
            ("", "Service") => ServiceHealth.Evaluate(live),
            ("", "PersistentVolumeClaim") => PersistentVolumeClaimHealth.Evaluate(live),
            ("batch", "Job") => JobHealth.Evaluate(live),
            ("batch", "CronJob") => CronJobHealth.Evaluate(live),
            ("networking.k8s.io", "Ingress") or ("extensions", "Ingress") => IngressHealth.Evaluate(live),
            ("apiextensions.k8s.io", "CustomResourceDefinition") => CustomResourceDefinitionHealth.Evaluate(live),
            ("autoscaling", "HorizontalPodAutoscaler") => HorizontalPodAutoscalerHealth.Evaluate(live),
            _ => ConditionsHealth.Evaluate(live),
        };
    }

    /// <summary>True when <paramref name="candidate"/> is worse than <paramref name="current"/>.</summary>
    public static bool IsWorse(HealthState current, HealthState candidate)
        => Array.IndexOf(Order, candidate) > Array.IndexOf(Order, current);

    /// <summary>The worst of several states; Healthy for none.</summary>
    public static HealthState Aggregate(IEnumerable<HealthState> states)
    {
        var worst = HealthState.Healthy;
        foreach (var state in states)
        {
            if (IsWorse(worst, state))
            {
                worst = state;
            }
        }
        return worst;
    }

    /// <summary>True when the controller has seen the latest spec; only then does status speak for it.</summary>
    internal static bool Observed(JsonObject obj)
        => (obj.Int("metadata", "generation") ?? 0) <= (obj.Int("status", "observedGeneration") ?? 0);
}
