using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Apps;

/// <summary>Where application workers send messages for the hub; false while no stream is open.</summary>
internal interface IHubOutbox
{
    bool TrySend(AgentMessage message);
}
