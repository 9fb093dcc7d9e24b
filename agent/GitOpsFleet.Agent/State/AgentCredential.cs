namespace GitOpsFleet.Agent.State;

/// <summary>What the agent keeps after registering: which hub, under which name, with which credential.</summary>
internal sealed record AgentCredential(string Hub, string ClusterName, string Credential);
