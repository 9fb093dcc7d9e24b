using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

// The agent session: attach on Connect, heartbeats and liveness, status flowing up, detach.
internal sealed partial class ClusterGrain
{
    public async Task<AttachResult> AttachAsync(Guid sessionId, IAgentSessionObserver observer, AgentHello hello)
    {
        EnsureExists();
        if (_observer is not null && _sessionId != sessionId)
        {
            // Only one stream per cluster: the newest wins, the old one is told to go.
            _ = _observer.OnClosedAsync($"a newer session for cluster {Name} connected");
        }
        var wasConnected = _observer is not null;
        _observer = observer;
        _sessionId = sessionId;
        ArmLiveness();
        state.State.AgentVersion = hello.AgentVersion;
        state.State.KubernetesVersion = hello.KubernetesVersion;
        state.State.LastSeenUnixMs = Now;
        await state.WriteStateAsync();

        var desired = new List<DesiredApp>();
        var removals = new List<RemoveApp>();
        // An unapproved cluster is welcomed but sent nothing.
        foreach (var (app, entry) in state.State.PendingApproval ? [] : state.State.Apps)
        {
            var applied = hello.AppliedGenerations.GetValueOrDefault(app, 0);
            if (entry.Removed)
            {
                if (hello.AppliedGenerations.ContainsKey(app) && applied < entry.Generation)
                {
                    removals.Add(new RemoveApp(app, entry.Generation, entry.Prune));
                }
            }
            else if (applied < entry.Generation)
            {
                var message = await ToDesiredAsync(app, entry);
                if (message is not null)
                {
                    desired.Add(message);
                }
            }
        }
        var applications = state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
        LogAttached(Name, desired.Count, removals.Count);
        if (!wasConnected)
        {
            await AppendEventAsync(EventTypes.ClusterConnected, $"cluster {Name} connected (agent {hello.AgentVersion}, Kubernetes {hello.KubernetesVersion})");
            await NotifyApplicationsOfConnectionAsync(true);
        }
        return new AttachResult(applications, desired, removals) { RotateCredential = state.State.RotationRequestedUnixMs > 0 };
    }

    public Task HeartbeatAsync(Guid sessionId, IAgentSessionObserver observer)
    {
        state.State.LastSeenUnixMs = Now;
        if (_observer is null && state.State.Exists && !state.State.CredentialRevoked)
        {
            // The grain was reactivated while the stream stayed up: take the session back
            // (not for a revoked credential: that stream was told to go).
            _observer = observer;
            _sessionId = sessionId;
            ArmLiveness();
        }
        return Task.CompletedTask;
    }

    public async Task DetachAsync(Guid sessionId)
    {
        if (_sessionId != sessionId || _observer is null)
        {
            return;
        }
        _observer = null;
        DisarmLiveness();
        if (!state.State.Exists)
        {
            return;
        }
        state.State.LastSeenUnixMs = Now;
        await state.WriteStateAsync();
        await AppendEventAsync(EventTypes.ClusterDisconnected, $"cluster {Name} disconnected");
        await NotifyApplicationsOfConnectionAsync(false);
    }

    public Task ReportStatusAsync(Guid sessionId, AgentAppStatus status)
    {
        state.State.LastSeenUnixMs = Now;
        if (!state.State.Apps.TryGetValue(status.App, out var entry) || entry.Removed)
        {
            if (_loggedUnknownApps.Add(status.App))
            {
                LogUnknownApp(Name, status.App);
            }
            return Task.CompletedTask;
        }
        if (status.Generation > entry.Generation
            || status.Generation < _lastStatusGeneration.GetValueOrDefault(status.App, 0))
        {
            LogStaleStatus(Name, status.App, status.Generation, entry.Generation);
            return Task.CompletedTask;
        }
        _lastStatusGeneration[status.App] = status.Generation;
        return GrainFactory.GetGrain<IApplicationGrain>(status.App).OnTargetStatusAsync(Name, status);
    }

    private void ArmLiveness()
    {
        // KeepAlive: while an agent is attached the grain stays active, so pushes always find the session.
        _liveness ??= this.RegisterGrainTimer(CheckLivenessAsync, new GrainTimerCreationOptions(LivenessPeriod, LivenessPeriod) { KeepAlive = true });
    }

    private void DisarmLiveness()
    {
        _liveness?.Dispose();
        _liveness = null;
    }

    private async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        if (_observer is null || Now - state.State.LastSeenUnixMs < SilenceLimit.TotalMilliseconds)
        {
            return;
        }
        // A half-open stream: nothing heard for too long. Show it disconnected and end it.
        LogSilent(Name, SilenceLimit.TotalSeconds);
        _ = _observer.OnClosedAsync($"no heartbeat from cluster {Name} for {SilenceLimit.TotalSeconds:0} s");
        await DetachAsync(_sessionId);
    }
}
