namespace GitOpsFleet.Sources;

/// <summary>Settings for the Git cache and the renderers.</summary>
public sealed class SourcesOptions
{
    /// <summary>Where bare repository caches live, one folder per repository URL. Default: <c>data/git</c>.</summary>
    public string CacheDirectory { get; set; } = "data/git";

    /// <summary>The longest one render may take before it is stopped (tool processes are killed). Default: 60 s.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most bytes one application's rendered manifests may take. Default: 10 MiB.</summary>
    public long MaxOutputBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many renders may run at once; others wait for a slot. Default: 4.</summary>
    public int MaxConcurrentRenders { get; set; } = 4;

    /// <summary>The bytes of rendered bundles kept in memory (least recently used leave first). Default: 64 MiB.</summary>
    public long RenderCacheBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How long a failed render is remembered and its error repeated without rendering again, so a broken commit
    /// seen by a thousand clusters fails once, not a thousand times. Zero turns it off. Default: 30 s.
    /// </summary>
    public TimeSpan FailedRenderRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Folders searched for kustomize, kubectl, jsonnet and helm, separated like PATH (e.g. a tools folder pinned
    /// to known versions). Default: null, the hub's PATH.
    /// </summary>
    public string? ToolSearchPath { get; set; }

    /// <summary>The longest one fetch may take. Default: 5 minutes.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws with a message that says how to fix the first bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(CacheDirectory))
            throw new ArgumentException("SourcesOptions.CacheDirectory is empty; set it to a writable folder such as data/git.");
        if (RenderTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"SourcesOptions.RenderTimeout is {RenderTimeout}; set a positive duration such as 60 s.");
        if (FetchTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"SourcesOptions.FetchTimeout is {FetchTimeout}; set a positive duration such as 5 minutes.");
        if (FailedRenderRetryAfter < TimeSpan.Zero)
            throw new ArgumentException($"SourcesOptions.FailedRenderRetryAfter is {FailedRenderRetryAfter}; set zero (off) or a positive duration such as 30 s.");
        if (MaxOutputBytes <= 0)
            throw new ArgumentException($"SourcesOptions.MaxOutputBytes is {MaxOutputBytes}; set a positive byte count such as 10485760 (10 MiB).");
        if (MaxConcurrentRenders <= 0)
            throw new ArgumentException($"SourcesOptions.MaxConcurrentRenders is {MaxConcurrentRenders}; set 1 or more.");
        if (RenderCacheBytes < 0)
            throw new ArgumentException($"SourcesOptions.RenderCacheBytes is {RenderCacheBytes}; set 0 (no cache) or a positive byte count.");
    }
}
