namespace GitOpsFleet.Sources;

/// <summary>A Git remote and the credentials to read it.</summary>
public sealed record RepositorySpec(string Name, string Url, string? Username = null, string? Password = null);

/// <summary>The cluster facts a render may substitute ({{cluster.name}}, {{cluster.labels.KEY}}).</summary>
public sealed record ClusterParameters(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>What to render: one application's source at one exact commit for one cluster.</summary>
public sealed record RenderRequest(
    RepositorySpec Repository,
    string Commit,
    string Path,
    string Renderer,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    ClusterParameters Cluster,
    RenderParameters? Parameters = null);

/// <summary>
/// Renderer parameters (Helm and Jsonnet); every string value may use {{cluster.name}} and {{cluster.labels.KEY}}.
/// Null lists and maps mean none. Helm values files are relative to the chart folder and Jsonnet libraries to the
/// repository root; neither may leave the repository.
/// </summary>
public sealed record RenderParameters(
    string? HelmReleaseName = null,
    IReadOnlyList<string>? HelmValuesFiles = null,
    string? HelmValues = null,
    IReadOnlyDictionary<string, string>? HelmParameters = null,
    IReadOnlyDictionary<string, string>? JsonnetExtVars = null,
    IReadOnlyDictionary<string, string>? JsonnetTlas = null,
    IReadOnlyList<string>? JsonnetLibraries = null)
{
    /// <summary>No parameters: the renderers' defaults.</summary>
    public static RenderParameters None { get; } = new();
}

/// <summary>Rendered manifests (one JSON object each, in a stable order) and their content hash.</summary>
public sealed record RenderedBundle(IReadOnlyList<string> ManifestsJson, string Hash);

/// <summary>Fetches repositories into a local cache and resolves revisions to commits.</summary>
public interface IGitSource
{
    /// <summary>Fetches when <paramref name="fetch"/> (or when the cache is empty) and returns the full commit SHA.</summary>
    Task<string> ResolveRevisionAsync(RepositorySpec repository, string revision, bool fetch, CancellationToken cancellationToken);
}

/// <summary>Renders an application's source into manifests.</summary>
public interface IManifestRenderer
{
    Task<RenderedBundle> RenderAsync(RenderRequest request, CancellationToken cancellationToken);
}

/// <summary>A fetch or render failure with a message fit to show on the application (secrets masked).</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner);
