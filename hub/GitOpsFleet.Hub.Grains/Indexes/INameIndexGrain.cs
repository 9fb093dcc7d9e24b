namespace GitOpsFleet.Hub.Grains;

/// <summary>A listing of names with a few attributes each (key: one of <see cref="IndexKeys"/>).</summary>
public interface INameIndexGrain : IGrainWithStringKey
{
    Task SetAsync(string name, IReadOnlyDictionary<string, string> attributes);

    Task RemoveAsync(string name);

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
