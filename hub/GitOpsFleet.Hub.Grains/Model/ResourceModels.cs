namespace GitOpsFleet.Hub.Grains;

/// <summary>Identifies one Kubernetes object.</summary>
[GenerateSerializer, Immutable]
public sealed record ResourceRef(string Group, string Version, string Kind, string Namespace, string Name);

/// <summary>Live status of one Kubernetes object of an application, as the agent reports it.</summary>
[GenerateSerializer, Immutable]
public sealed record ResourceRow(
    ResourceRef Key,
    SyncState Sync,
    HealthState Health,
    string Message,
    string Result,
    IReadOnlyList<ResourceRef> Children);
