namespace GitOpsFleet.Kube.Health;

/// <summary>
/// Health of one kind as the application declares it: the first <see cref="Checks"/> entry that matches
/// decides; when none matches, the built-in rule for the kind does.
/// </summary>
/// <param name="Group">API group, "" for the core group.</param>
/// <param name="Kind">Kind, e.g. "Database".</param>
/// <param name="Checks">Checked in order.</param>
public sealed record HealthRule(string Group, string Kind, IReadOnlyList<HealthCheck> Checks);

/// <summary>
/// One test on a live object: either a condition (<see cref="ConditionType"/> whose status is
/// <see cref="ConditionStatus"/>) or a field (<see cref="JsonPath"/> whose value, as text, is <see cref="EqualsValue"/>).
/// </summary>
/// <param name="ConditionType">status.conditions[].type to look for; empty for a field check.</param>
/// <param name="ConditionStatus">"True", "False" or "Unknown"; empty matches any status.</param>
/// <param name="JsonPath">Dotted path ("status.phase", "$.status.phase") or JSON pointer ("/status/phase").</param>
/// <param name="EqualsValue">Text the field must equal; empty: the field only has to exist.</param>
/// <param name="Health">The health when this check matches.</param>
/// <param name="Message">Health message; empty: one naming what matched.</param>
public sealed record HealthCheck(
    string ConditionType,
    string ConditionStatus,
    string JsonPath,
    string EqualsValue,
    HealthState Health,
    string Message = "");
