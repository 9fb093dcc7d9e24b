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

    /// <summary>A credential rotation was asked for and the agent has not acknowledged a new credential yet.</summary>
    [Id(9)] public bool CredentialRotationPending { get; init; }

    /// <summary>When the agent last acknowledged a rotated credential; 0 when never rotated.</summary>
    [Id(10)] public long CredentialRotatedUnixMs { get; init; }

    /// <summary>The credential was cut at once (rotation with revoke-old-now): only a new join token brings the agent back.</summary>
    [Id(11)] public bool CredentialRevoked { get; init; }
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
