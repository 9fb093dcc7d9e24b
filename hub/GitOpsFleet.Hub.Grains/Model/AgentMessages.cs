namespace GitOpsFleet.Hub.Grains;

/// <summary>What the hub wants on one cluster for one application at one generation.</summary>
[GenerateSerializer, Immutable]
public sealed record DesiredApp(
    string App,
    long Generation,
    string Revision,
    string BundleHash,
    byte[] CompressedBundle,
    SyncSettings Options,
    string DefaultNamespace);

/// <summary>Tells an agent to stop managing an application.</summary>
[GenerateSerializer, Immutable]
public sealed record RemoveApp(string App, long Generation, bool Prune);

/// <summary>One application's status on one cluster, as reported by its agent.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentAppStatus(
    string App,
    long Generation,
    string Revision,
    SyncState Sync,
    HealthState Health,
    OperationState Phase,
    string Message,
    IReadOnlyList<ResourceRow> Resources,
    bool Full,
    IReadOnlyList<ResourceRef> RemovedResources,
    long ObservedUnixMs);

/// <summary>The facts an agent states in its Hello.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentHello(
    string AgentVersion,
    string KubernetesVersion,
    IReadOnlyDictionary<string, long> AppliedGenerations);

/// <summary>What a new agent session receives first: the app list for Welcome and what it lacks.</summary>
[GenerateSerializer, Immutable]
public sealed record AttachResult(
    IReadOnlyList<string> Applications,
    IReadOnlyList<DesiredApp> Desired,
    IReadOnlyList<RemoveApp> Removals)
{
    /// <summary>A credential rotation waits for this agent: mint one and deliver it on this session.</summary>
    [Id(3)] public bool RotateCredential { get; init; }
}
