namespace GitOpsFleet.Hub.Grains;

/// <summary>Retry policy for failed syncs.</summary>
[GenerateSerializer, Immutable]
public sealed record RetrySettings(int Limit, int BackoffSeconds, double Factor, int MaxBackoffSeconds);

/// <summary>How an agent syncs an application; sent with every Desired.</summary>
[GenerateSerializer, Immutable]
public sealed record SyncSettings(
    bool Automated,
    bool Prune,
    bool SelfHeal,
    bool AllowEmpty,
    bool ForceConflicts,
    string Drift,
    RetrySettings? Retry,
    IReadOnlyList<string> IgnoreFields)
{
    public static SyncSettings Default { get; } = new(false, false, false, false, false, "", null, []);

    /// <summary>Custom health per kind; null (state stored before it existed) means none.</summary>
    [Id(100)]
    public IReadOnlyList<HealthRuleSettings>? HealthRules { get; init; }

    /// <summary>Value equality including the list, so an unchanged policy does not bump generations.</summary>
    public bool SameAs(SyncSettings other) =>
        Automated == other.Automated && Prune == other.Prune && SelfHeal == other.SelfHeal
        && AllowEmpty == other.AllowEmpty && ForceConflicts == other.ForceConflicts
        && Drift == other.Drift && Equals(Retry, other.Retry) && IgnoreFields.SequenceEqual(other.IgnoreFields)
        && (HealthRules ?? []).Count == (other.HealthRules ?? []).Count
        && (HealthRules ?? []).Zip(other.HealthRules ?? []).All(p => p.First.SameAs(p.Second));
}
