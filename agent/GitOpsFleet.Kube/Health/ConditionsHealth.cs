using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Generic rule for any other kind: Ready/Available conditions decide; without them an existing object is Healthy.</summary>
internal static class ConditionsHealth
{
    public static HealthResult Evaluate(JsonObject obj)
    {
        foreach (var type in new[] { "Ready", "Available" })
        {
            var condition = obj.Condition(type);
            if (condition is null)
            {
                continue;
            }
            var message = condition.Str("message") ?? condition.Str("reason") ?? "";
            switch (condition.Str("status"))
            {
                case "True":
                    return new HealthResult(HealthState.Healthy, message);
                case "False":
                    // A controller that has not caught up with the spec yet is still progressing.
                    return obj.Int("status", "observedGeneration") is { } observed && observed < (obj.Int("metadata", "generation") ?? 0)
                        ? HealthResult.Progressing(message)
                        : HealthResult.Degraded(message.Length == 0 ? $"{type} is False" : message);
                default:
                    return HealthResult.Progressing(message.Length == 0 ? $"{type} is Unknown" : message);
            }
        }
        var stalled = obj.Condition("Stalled");
        if (stalled?.Str("status") == "True")
        {
            return HealthResult.Degraded(stalled.Str("message") ?? "Stalled");
        }
        return HealthResult.Healthy;
    }
}
