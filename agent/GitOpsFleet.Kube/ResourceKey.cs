namespace GitOpsFleet.Kube;

/// <summary>Identifies one Kubernetes object: group, version, kind, namespace ("" when cluster-scoped) and name.</summary>
public sealed record ResourceKey(string Group, string Version, string Kind, string Namespace, string Name)
{
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>Version-free identity: the same object seen through another API version is equal.</summary>
    public string Identity => $"{Group}/{Kind}/{Namespace}/{Name}";

    /// <summary>Flux-style name for messages: "Deployment/ns/name" or "Namespace/name".</summary>
    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    /// <summary>Inventory line: "group|version|kind|namespace|name".</summary>
    public string Format() => string.Join('|', Group, Version, Kind, Namespace, Name);

    public static ResourceKey Parse(string line)
    {
        var parts = line.Split('|');
        if (parts.Length != 5)
        {
            throw new FormatException($"inventory entry '{line}' is not 'group|version|kind|namespace|name'");
        }
        return new ResourceKey(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }
}
