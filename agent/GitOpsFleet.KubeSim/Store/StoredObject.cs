namespace GitOpsFleet.KubeSim.Store;

/// <summary>One object as kept by the store: UTF-8 JSON (far smaller than a node tree) plus its keys.</summary>
internal sealed class StoredObject(string? ns, string name, long resourceVersion, byte[] json)
{
    public string? Namespace { get; } = ns;
    public string Name { get; } = name;
    public long ResourceVersion { get; } = resourceVersion;
    public byte[] Json { get; } = json;
}
