namespace GitOpsFleet.Hub.Grains;

// Numeric values match gitopsfleet.agent.v1 enums so the gRPC boundary maps by cast.

/// <summary>Whether live state matches desired state.</summary>
[GenerateSerializer]
public enum SyncState { Unknown = 0, Synced = 1, OutOfSync = 2 }

/// <summary>Health of a resource or an application.</summary>
[GenerateSerializer]
public enum HealthState { Unknown = 0, Healthy = 1, Progressing = 2, Degraded = 3, Suspended = 4, Missing = 5 }

/// <summary>Phase of the last sync operation.</summary>
[GenerateSerializer]
public enum OperationState { None = 0, Running = 1, Succeeded = 2, Failed = 3 }

/// <summary>A command the hub can send to an agent for one application.</summary>
[GenerateSerializer]
public enum AgentCommandKind { Unspecified = 0, Sync = 1, Refresh = 2, Diff = 3, PauseSelfHeal = 4, ResumeSelfHeal = 5 }
