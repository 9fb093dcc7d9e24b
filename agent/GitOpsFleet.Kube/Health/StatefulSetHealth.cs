using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>StatefulSet health after Argo CD: all replicas ready and the rolling update finished.</summary>
internal static class StatefulSetHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        if ((obj.Int("status", "observedGeneration") ?? 0) == 0 || !HealthEvaluator.Observed(obj))
        {
            return HealthResult.Progressing("Waiting for statefulset spec update to be observed...");
        }
        var replicas = obj.Int("spec", "replicas") ?? 1;
        var ready = obj.Int("status", "readyReplicas") ?? 0;
        if (ready < replicas)
        {
            return HealthResult.Progressing($"Waiting for {replicas - ready} pods to be ready...");
        }
        var strategy = obj.Str("spec", "updateStrategy", "type") ?? "RollingUpdate";
        if (strategy == "OnDelete")
        {
            return new HealthResult(HealthState.Healthy, $"statefulset has {ready} ready pods");
        }
        var partition = obj.Int("spec", "updateStrategy", "rollingUpdate", "partition") ?? 0;
        var updated = obj.Int("status", "updatedReplicas") ?? 0;
        if (partition > 0)
        {
            return updated < replicas - partition
                ? HealthResult.Progressing($"Waiting for partitioned roll out to finish: {updated} out of {replicas - partition} new pods have been updated...")
                : new HealthResult(HealthState.Healthy, $"partitioned roll out complete: {updated} new pods have been updated...");
        }
        var updateRevision = obj.Str("status", "updateRevision");
        var currentRevision = obj.Str("status", "currentRevision");
        if (updateRevision is not null && updateRevision != currentRevision)
        {
            return HealthResult.Progressing($"waiting for statefulset rolling update to complete {updated} pods at revision {updateRevision}...");
        }
        return new HealthResult(HealthState.Healthy, $"statefulset rolling update complete {ready} pods at revision {currentRevision}...");
    }
}
