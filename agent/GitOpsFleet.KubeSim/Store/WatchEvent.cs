namespace GitOpsFleet.KubeSim.Store;

/// <summary>One change recorded for watchers: ADDED, MODIFIED or DELETED with the object's JSON at that time.</summary>
internal sealed record WatchEvent(string Type, string ResourceKey, string? Namespace, string Name, long ResourceVersion, byte[] Json);
