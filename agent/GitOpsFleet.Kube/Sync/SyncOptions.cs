using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Per-sync settings; immutable, with <see cref="Default"/>.</summary>
public sealed record SyncOptions
{
    public static readonly SyncOptions Default = new();

    /// <summary>Delete what the previous inventory had and the bundle no longer has. Default false.</summary>
    public bool Prune { get; init; }

    /// <summary>Take over fields other managers own (force apply). Default false.</summary>
    public bool ForceConflicts { get; init; }

    /// <summary>Let an empty bundle prune everything. Default false.</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>Namespace for namespaced objects that name none. Default "default".</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>JSON pointers (optionally "Kind:" or "Kind/name:" prefixed) that never count as drift.</summary>
    public IReadOnlyList<string> IgnoreFields { get; init; } = [];

    /// <summary>The application's own health rules per kind, consulted before the built-in ones. Default none.</summary>
    public IReadOnlyList<HealthRule> HealthRules { get; init; } = [];

    /// <summary>How long one wave or hook may take to become healthy. Default 5 minutes.</summary>
    public TimeSpan WaveTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
