namespace GitOpsFleet.Hub.Grains;

/// <summary>One entry of the hub's event log.</summary>
[GenerateSerializer, Immutable]
public sealed record EventRecord(long Id, long UnixMs, string Type, string Object, string Message, string Actor);

/// <summary>Event type names shown to users and scripts.</summary>
public static class EventTypes
{
    public const string ClusterRegistered = "ClusterRegistered";
    public const string ClusterConnected = "ClusterConnected";
    public const string ClusterDisconnected = "ClusterDisconnected";
    public const string ClusterRemoved = "ClusterRemoved";
    public const string ClusterCredentialRotated = "ClusterCredentialRotated";
    public const string ApplicationSynced = "ApplicationSynced";
    public const string ApplicationOutOfSync = "ApplicationOutOfSync";
    public const string ApplicationDegraded = "ApplicationDegraded";
    public const string ApplicationHealthy = "ApplicationHealthy";
    public const string Error = "Error";
}
