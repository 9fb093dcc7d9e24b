namespace GitOpsFleet.Hub.Grains;

/// <summary>What an application wants on one cluster; the cluster grain assigns the generation.</summary>
[GenerateSerializer, Immutable]
public sealed record DesiredSpec(string App, string Revision, string BundleHash, SyncSettings Options, string DefaultNamespace);
