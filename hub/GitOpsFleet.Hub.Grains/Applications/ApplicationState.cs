namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class ApplicationState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public ApplicationSpecModel? Spec { get; set; }
    [Id(2)] public long CreatedUnixMs { get; set; }
    /// <summary>The commit the source resolved to at the last good render.</summary>
    [Id(3)] public string Commit { get; set; } = "";
    [Id(4)] public string Error { get; set; } = "";
    [Id(5)] public long RenderedUnixMs { get; set; }
    [Id(6)] public int ResourceCount { get; set; }
    [Id(7)] public Dictionary<string, TargetEntry> Targets { get; set; } = new(StringComparer.Ordinal);
    [Id(8)] public SyncState LastSync { get; set; }
    [Id(9)] public HealthState LastHealth { get; set; }
    /// <summary>With a rollout strategy: the revision every target gets unless a rollout pinned it elsewhere.</summary>
    [Id(10)] public string Baseline { get; set; } = "";
    /// <summary>With a rollout strategy: cluster to the commit a rollout moved it to.</summary>
    [Id(11)] public Dictionary<string, string> Pins { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer]
internal sealed class TargetEntry
{
    [Id(0)] public long Generation { get; set; }
    [Id(1)] public string DesiredRevision { get; set; } = "";
    [Id(2)] public string BundleHash { get; set; } = "";
    [Id(3)] public long ObservedGeneration { get; set; }
    [Id(4)] public string ObservedRevision { get; set; } = "";
    [Id(5)] public SyncState Sync { get; set; }
    [Id(6)] public HealthState Health { get; set; }
    [Id(7)] public OperationState Phase { get; set; }
    [Id(8)] public string Message { get; set; } = "";
    [Id(9)] public bool Connected { get; set; }
    [Id(10)] public List<ResourceRow> Resources { get; set; } = [];
    [Id(11)] public long UpdatedUnixMs { get; set; }
    [Id(12)] public int ResourceCount { get; set; }
}
