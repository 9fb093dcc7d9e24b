namespace GitOpsFleet.Hub.Grains;

/// <summary>One registered cluster (key: cluster name): identity, desired state per app, and its agent session.</summary>
public interface IClusterGrain : IGrainWithStringKey
{
    Task<RegistrationOutcome> RegisterAsync(ClusterRegistration registration);

    Task<bool> VerifyCredentialAsync(string credentialHash);

    Task<ClusterInfo?> GetAsync();

    Task SetLabelsAsync(IReadOnlyDictionary<string, string> labels);

    /// <summary>Removes the cluster: forgets its credential and ends its session. Applied resources stay.</summary>
    Task<bool> RemoveAsync();

    /// <summary>Lets a cluster that waits for approval receive its desired state; false when it does not exist.</summary>
    Task<bool> ApproveAsync();

    Task<AttachResult> AttachAsync(Guid sessionId, IAgentSessionObserver observer, AgentHello hello);

    Task HeartbeatAsync(Guid sessionId, IAgentSessionObserver observer);

    Task DetachAsync(Guid sessionId);

    Task ReportStatusAsync(Guid sessionId, AgentAppStatus status);

    /// <summary>Sets what an application wants here; bumps and returns the generation only when that changes.</summary>
    Task<long> SetDesiredAsync(DesiredSpec spec);

    Task RemoveApplicationAsync(string app, bool prune);

    Task SendCommandAsync(string app, AgentCommandKind kind, string requestId);

    /// <summary>
    /// Starts a credential rotation: <paramref name="credential"/> goes to the connected agent (the old one
    /// works until it acknowledges); offline, the rotation waits for its next connect. With
    /// <paramref name="revokeOldNow"/> every credential is cut at once and the session ended instead.
    /// </summary>
    Task<ClusterInfo> RotateCredentialAsync(string credentialHash, string credential, bool revokeOldNow);

    /// <summary>The agent on <paramref name="sessionId"/> stored rotation <paramref name="rotationId"/>: the old credential stops working.</summary>
    Task AcknowledgeCredentialAsync(Guid sessionId, string rotationId);
}
