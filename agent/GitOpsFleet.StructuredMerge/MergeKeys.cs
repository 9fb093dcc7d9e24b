using System.Text.RegularExpressions;

namespace GitOpsFleet.StructuredMerge;

/// <summary>
/// How lists are merged, by path, since there is no OpenAPI schema here: the merge keys the real
/// API server's schema gives the common built-in lists; everything else is atomic.
/// </summary>
public static partial class MergeKeys
{
    private static readonly HashSet<string> ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    /// <summary>
    /// The merge keys of the list at <paramref name="parentPath"/> (e.g. ".spec.template.spec.containers";
    /// item selectors such as <c>[name="x"]</c> are ignored). Null means the list is atomic (replaced whole);
    /// an empty list means a set of scalars whose items are their own keys (metadata.finalizers).
    /// </summary>
    public static IReadOnlyList<string>? For(string parentPath) => KindOf(parentPath).Keys;

    /// <summary>True for lists of scalars merged as a set (metadata.finalizers).</summary>
    public static bool IsScalarSet(string parentPath) => KindOf(parentPath).IsSet;

    internal static ListKind KindOf(string parentPath)
    {
        var path = Selector().Replace(parentPath, "");
        var segments = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return ListKind.Atomic;
        }

        var last = segments[^1];
        var prev = segments.Length > 1 ? segments[^2] : "";
        if (path == ".metadata.finalizers")
        {
            return ListKind.Set;
        }

        if (path == ".metadata.ownerReferences")
        {
            return ListKind.Keyed("uid");
        }

        if (path == ".spec.ports")
        {
            // Service ports: the API server keys them by port and protocol (defaulted to TCP).
            return ListKind.Keyed(["port", "protocol"], ProtocolDefault);
        }

        if (ContainerLists.Contains(last))
        {
            return ListKind.Keyed("name");
        }

        if (ContainerLists.Contains(prev))
        {
            return last switch
            {
                "ports" => ListKind.Keyed(["containerPort", "protocol"], ProtocolDefault),
                "env" => ListKind.Keyed("name"),
                "volumeMounts" => ListKind.Keyed("mountPath"),
                "volumeDevices" => ListKind.Keyed("devicePath"),
                _ => ListKind.Atomic,
            };
        }

        return last switch
        {
            "volumes" or "imagePullSecrets" => ListKind.Keyed("name"),
            "hostAliases" => ListKind.Keyed("ip"),
            "topologySpreadConstraints" => ListKind.Keyed(["topologyKey", "whenUnsatisfiable"]),
            "conditions" when segments[0] == "status" => ListKind.Keyed("type"),
            _ => ListKind.Atomic,
        };
    }

    private static readonly Dictionary<string, string> ProtocolDefault = new() { ["protocol"] = "TCP" };

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Selector();
}

/// <summary>The merge strategy of one list: atomic, a set of scalars, or maps keyed by some fields.</summary>
internal sealed record ListKind(IReadOnlyList<string>? Keys, bool IsSet, IReadOnlyDictionary<string, string>? Defaults)
{
    public static readonly ListKind Atomic = new(null, false, null);
    public static readonly ListKind Set = new([], true, null);

    public bool IsAtomic => Keys is null;

    public static ListKind Keyed(string key) => new([key], false, null);

    public static ListKind Keyed(string[] keys, IReadOnlyDictionary<string, string>? defaults = null) => new(keys, false, defaults);
}
