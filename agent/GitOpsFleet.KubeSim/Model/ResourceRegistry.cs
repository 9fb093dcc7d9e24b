namespace GitOpsFleet.KubeSim.Model;

/// <summary>The resources one cluster serves: the shared built-ins plus the kinds its CRDs add.</summary>
internal sealed class ResourceRegistry
{
    // Null until the first CRD: an idle cluster holds no registry state of its own.
    private List<ResourceType>? _custom;
    private readonly Lock _lock = new();

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_lock)
            {
                return _custom is null ? BuiltInResources.All : [.. BuiltInResources.All, .. _custom];
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var r in All)
        {
            if (r.Group == group && r.Version == version && r.Plural == plural)
            {
                return r;
            }
        }
        return null;
    }

    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        foreach (var r in All)
        {
            if (r.ApiVersion == apiVersion && r.Kind == kind)
            {
                return r;
            }
        }
        return null;
    }

    public ResourceType? FindKindAnyVersion(string group, string kind)
    {
        foreach (var r in All)
        {
            if (r.Group == group && r.Kind == kind)
            {
                return r;
            }
        }
        return null;
    }

    /// <summary>Replaces the resources served for one CRD (identified by its group and plural).</summary>
    public void SetCustom(string group, string plural, IEnumerable<ResourceType> types)
    {
        lock (_lock)
        {
            _custom ??= [];
            _custom.RemoveAll(r => r.Group == group && r.Plural == plural);
            _custom.AddRange(types);
        }
    }

    public void RemoveCustom(string group, string plural)
    {
        lock (_lock)
        {
            _custom?.RemoveAll(r => r.Group == group && r.Plural == plural);
        }
    }
}
