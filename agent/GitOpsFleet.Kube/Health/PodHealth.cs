using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Pod health after Argo CD: phase, then container states that will not recover on their own.</summary>
internal static class PodHealth
{
    // Waiting reasons that mean the pod is stuck, not starting.
    private static readonly HashSet<string> StuckReasons =
        ["CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError", "InvalidImageName", "CreateContainerError", "RunContainerError"];

    public static HealthResult Evaluate(JsonObject obj)
    {
        if (obj.Str("metadata", "deletionTimestamp") is not null)
        {
            return HealthResult.Progressing("Pod is terminating");
        }
        var containers = obj.Objects("status", "initContainerStatuses").Concat(obj.Objects("status", "containerStatuses")).ToList();
        foreach (var container in containers)
        {
            var reason = container.Str("state", "waiting", "reason");
            if (reason is not null && StuckReasons.Contains(reason))
            {
                return HealthResult.Degraded(container.Str("state", "waiting", "message") ?? reason);
            }
        }
        switch (obj.Str("status", "phase"))
        {
            case "Pending":
                return HealthResult.Progressing(obj.Str("status", "message") ?? "Pod is pending");
            case "Succeeded":
                return new HealthResult(HealthState.Healthy, obj.Str("status", "message") ?? "");
            case "Failed":
                return HealthResult.Degraded(obj.Str("status", "message") ?? FirstTerminatedMessage(containers) ?? "Pod failed");
            case "Running":
                var restartAlways = (obj.Str("spec", "restartPolicy") ?? "Always") == "Always";
                if (!restartAlways)
                {
                    return HealthResult.Progressing("Pod is running");
                }
                var ready = obj.Condition("Ready")?.Str("status") == "True";
                return ready ? HealthResult.Healthy : HealthResult.Progressing("Pod is running but not ready");
            default:
                return new HealthResult(HealthState.Unknown, obj.Str("status", "message") ?? "");
        }
    }

    private static string? FirstTerminatedMessage(List<JsonObject> containers)
        => containers.Select(c => c.Str("state", "terminated", "message") ?? c.Str("state", "terminated", "reason")).FirstOrDefault(m => m is not null);
}
