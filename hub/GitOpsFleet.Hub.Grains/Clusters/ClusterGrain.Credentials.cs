using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

// The agent credential: verification, rotation over the live stream, and revocation.
// Only hashes are stored; a rotated credential travels once, in memory, to the connected session.
internal sealed partial class ClusterGrain
{
    /// <summary>
    /// True for the current credential, and for a pending rotated one: the agent stores the new credential
    /// before it acknowledges, so a stream that broke between the two comes back with the new one, and
    /// that first use counts as the acknowledgement.
    /// </summary>
    public async Task<bool> VerifyCredentialAsync(string credentialHash)
    {
        if (!state.State.Exists || state.State.CredentialRevoked)
        {
            return false;
        }
        if (CryptographicEquals(state.State.CredentialHash, credentialHash))
        {
            return true;
        }
        if (state.State.PendingCredentialHash.Length > 0 && CryptographicEquals(state.State.PendingCredentialHash, credentialHash))
        {
            await CompleteRotationAsync("the agent connected with it");
            return true;
        }
        return false;
    }

    public async Task<ClusterInfo> RotateCredentialAsync(string credentialHash, string credential, bool revokeOldNow)
    {
        EnsureExists();
        if (revokeOldNow)
        {
            state.State.CredentialRevoked = true;
            state.State.CredentialHash = "";
            ClearPendingRotation();
            await state.WriteStateAsync();
            if (_observer is not null)
            {
                _ = _observer.OnClosedAsync($"the credential of cluster {Name} was revoked");
                await DetachAsync(_sessionId);
            }
            LogCredentialRevoked(Name);
            await AppendEventAsync(EventTypes.ClusterCredentialRotated,
                $"cluster {Name}: credential revoked at once; the agent must join again with a new join token");
            return ToInfo();
        }
        // A newer rotation replaces an undelivered or unacknowledged one: only the latest is accepted.
        var rotationId = Guid.NewGuid().ToString("N");
        state.State.PendingCredentialHash = credentialHash;
        state.State.PendingRotationId = rotationId;
        if (state.State.RotationRequestedUnixMs == 0)
        {
            state.State.RotationRequestedUnixMs = Now;
        }
        await state.WriteStateAsync();
        if (_observer is not null)
        {
            _ = _observer.OnRotateCredentialAsync(rotationId, credential);
            LogRotationSent(Name);
        }
        else
        {
            LogRotationWaiting(Name);
        }
        return ToInfo();
    }

    public async Task AcknowledgeCredentialAsync(Guid sessionId, string rotationId)
    {
        if (!state.State.Exists || state.State.PendingRotationId.Length == 0 || state.State.PendingRotationId != rotationId)
        {
            // A late acknowledgement of a rotation a newer one replaced: the newer one decides.
            return;
        }
        await CompleteRotationAsync("the agent acknowledged it");
    }

    private async Task CompleteRotationAsync(string how)
    {
        state.State.CredentialHash = state.State.PendingCredentialHash;
        state.State.CredentialRotatedUnixMs = Now;
        ClearPendingRotation();
        await state.WriteStateAsync();
        LogRotated(Name, how);
        await AppendEventAsync(EventTypes.ClusterCredentialRotated, $"cluster {Name}: credential rotated ({how}); the old one no longer works");
    }

    private void ClearPendingRotation()
    {
        state.State.PendingCredentialHash = "";
        state.State.PendingRotationId = "";
        state.State.RotationRequestedUnixMs = 0;
    }

    /// <summary>A cluster whose credential was revoked registers again with a new join token: same apps, new credential.</summary>
    private async Task<RegistrationOutcome> RejoinAfterRevocationAsync(ClusterRegistration registration)
    {
        state.State.CredentialRevoked = false;
        state.State.CredentialHash = registration.CredentialHash;
        state.State.Labels = new Dictionary<string, string>(registration.Labels, StringComparer.Ordinal);
        state.State.KubernetesVersion = registration.KubernetesVersion;
        state.State.AgentVersion = registration.AgentVersion;
        state.State.PendingApproval = state.State.PendingApproval || registration.RequireApproval;
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Clusters).SetAsync(Name, state.State.Labels);
        await AppendEventAsync(EventTypes.ClusterRegistered, $"cluster {Name} joined again after its credential was revoked");
        await NotifyApplicationsOfChangeAsync();
        return RegistrationOutcome.Registered;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster}: new credential sent to its agent; the old one works until the agent acknowledges")]
    private partial void LogRotationSent(string cluster);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster}: credential rotation waits for the agent's next connect; the old credential works until then")]
    private partial void LogRotationWaiting(string cluster);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster}: credential rotated ({How})")]
    private partial void LogRotated(string cluster, string how);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {Cluster}: credential revoked; its agent needs a new join token (fleet cluster join-token create)")]
    private partial void LogCredentialRevoked(string cluster);
}
