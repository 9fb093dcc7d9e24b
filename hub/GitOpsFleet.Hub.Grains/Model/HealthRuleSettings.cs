namespace GitOpsFleet.Hub.Grains;

/// <summary>An application's own health rule for one kind (agent.proto HealthRule); carried to the agent as is.</summary>
[GenerateSerializer, Immutable]
public sealed record HealthRuleSettings(string Group, string Kind, IReadOnlyList<HealthCheckSettings> Checks)
{
    /// <summary>Value equality including the checks, so an unchanged policy does not bump generations.</summary>
    public bool SameAs(HealthRuleSettings other) =>
        Group == other.Group && Kind == other.Kind && Checks.SequenceEqual(other.Checks);
}

/// <summary>One check of a <see cref="HealthRuleSettings"/>; Health is the agent.proto HealthStatus number.</summary>
[GenerateSerializer, Immutable]
public sealed record HealthCheckSettings(string ConditionType, string ConditionStatus, string JsonPath, string EqualsValue, int Health, string Message);
