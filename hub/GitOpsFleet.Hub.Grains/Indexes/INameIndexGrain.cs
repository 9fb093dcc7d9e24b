namespace GitOpsFleet.Hub.Grains;

/// <summary>A listing of names with a few attributes each (key: one of <see cref="IndexKeys"/>).</summary>
public interface INameIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds or changes one entry; returns once the index with the change is stored.</summary>
    Task SetAsync(string name, IReadOnlyDictionary<string, string> attributes);

    /// <summary>Removes one entry, if there; returns once the index without it is stored.</summary>
    Task RemoveAsync(string name);

    /// <summary>One entry's attributes, or null when the name is not in the index (cheap at any index size).</summary>
    Task<IReadOnlyDictionary<string, string>?> GetAsync(string name);

    /// <summary>
    /// Every entry, sorted by name (ordinal). The result is a shared <see cref="NameIndexSnapshot"/> (not copied per call):
    /// read it, never change it.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ListAsync();
}

/// <summary>Keys of the index grains.</summary>
public static class IndexKeys
{
    /// <summary>Cluster name to labels, for selection.</summary>
    public const string Clusters = "clusters";

    /// <summary>Application names.</summary>
    public const string Applications = "applications";

    /// <summary>Repository name to {url}.</summary>
    public const string Repositories = "repositories";
}
