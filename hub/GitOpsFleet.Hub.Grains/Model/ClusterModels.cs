namespace GitOpsFleet.Hub.Grains;

/// <summary>A registered cluster as the API shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record ClusterInfo(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    bool Connected,
    long LastSeenUnixMs,
    string AgentVersion,
    string KubernetesVersion,
    long RegisteredUnixMs,
    IReadOnlyList<string> Applications)
{
    /// <summary>Registered with a token that requires approval, and not approved yet: it receives nothing.</summary>
    [Id(8)] public bool PendingApproval { get; init; }
}

/// <summary>Outcome of a cluster registration.</summary>
[GenerateSerializer]
public enum RegistrationOutcome { Registered = 0, NameTaken = 1 }

/// <summary>Agent facts given at registration.</summary>
[GenerateSerializer, Immutable]
public sealed record ClusterRegistration(
    string CredentialHash,
    IReadOnlyDictionary<string, string> Labels,
    string KubernetesVersion,
    string AgentVersion)
{
    /// <summary>The cluster receives nothing until approved.</summary>
    [Id(4)] public bool RequireApproval { get; init; }
}
