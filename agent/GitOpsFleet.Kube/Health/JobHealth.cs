using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Job health after Argo CD: Failed condition degrades, Complete is healthy, suspended is Suspended.</summary>
internal static class JobHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        foreach (var condition in obj.Objects("status", "conditions"))
        {
            if (condition.Str("status") != "True")
            {
                continue;
            }
            switch (condition.Str("type"))
            {
                case "Failed":
                    return HealthResult.Degraded(condition.Str("message") ?? condition.Str("reason") ?? "Job failed");
                case "Complete":
                    return new HealthResult(HealthState.Healthy, condition.Str("message") ?? "");
                case "Suspended":
                    return new HealthResult(HealthState.Suspended, condition.Str("message") ?? "Job is suspended");
            }
        }
        if (obj.Bool("spec", "suspend") == true)
        {
            return new HealthResult(HealthState.Suspended, "Job is suspended");
        }
        return HealthResult.Progressing("Job is running");
    }
}
