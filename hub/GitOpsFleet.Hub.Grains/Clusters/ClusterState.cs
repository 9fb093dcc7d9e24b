namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class ClusterState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    /// <summary>SHA-256 of the agent credential; the credential itself is never stored.</summary>
    [Id(2)] public string CredentialHash { get; set; } = "";
    [Id(3)] public long RegisteredUnixMs { get; set; }
    [Id(4)] public long LastSeenUnixMs { get; set; }
    [Id(5)] public string AgentVersion { get; set; } = "";
    [Id(6)] public string KubernetesVersion { get; set; } = "";
    [Id(7)] public Dictionary<string, ClusterAppEntry> Apps { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Waiting for `fleet cluster approve`: desired state is kept but not sent.</summary>
    [Id(8)] public bool PendingApproval { get; set; }
    /// <summary>SHA-256 of a rotated credential on its way to the agent; accepted next to the old one until acknowledged.</summary>
    [Id(9)] public string PendingCredentialHash { get; set; } = "";
    /// <summary>Which delivery of the pending credential an acknowledgement must name.</summary>
    [Id(10)] public string PendingRotationId { get; set; } = "";
    /// <summary>When the pending rotation was asked for; 0: none pending.</summary>
    [Id(11)] public long RotationRequestedUnixMs { get; set; }
    [Id(12)] public long CredentialRotatedUnixMs { get; set; }
    /// <summary>Cut with revoke-old-now: no credential works; a registration with a new join token takes the name back.</summary>
    [Id(13)] public bool CredentialRevoked { get; set; }
}

/// <summary>What the hub wants for one application on this cluster; Removed entries are tombstones.</summary>
[GenerateSerializer]
internal sealed class ClusterAppEntry
{
    [Id(0)] public long Generation { get; set; }
    [Id(1)] public string Revision { get; set; } = "";
    [Id(2)] public string BundleHash { get; set; } = "";
    [Id(3)] public SyncSettings Options { get; set; } = SyncSettings.Default;
    [Id(4)] public string DefaultNamespace { get; set; } = "";
    [Id(5)] public bool Removed { get; set; }
    [Id(6)] public bool Prune { get; set; }
}
