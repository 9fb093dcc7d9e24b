namespace GitOpsFleet.Hub.Grains;

/// <summary>One agent's live stream, wherever it ends; the cluster grain pushes to it.</summary>
public interface IAgentSessionObserver : IGrainObserver
{
    // One-way: a slow or vanished stream must never block the cluster grain.
    [OneWay] Task OnDesiredAsync(DesiredApp desired);

    [OneWay] Task OnRemoveAsync(RemoveApp remove);

    [OneWay] Task OnCommandAsync(string app, AgentCommandKind kind, string requestId);

    /// <summary>A new credential for the agent to store and acknowledge (never persisted on the hub).</summary>
    [OneWay] Task OnRotateCredentialAsync(string rotationId, string credential);

    /// <summary>The hub ends this session (cluster removed, or a newer session took over).</summary>
    [OneWay] Task OnClosedAsync(string reason);
}
