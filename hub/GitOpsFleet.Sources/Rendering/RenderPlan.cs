using GitOpsFleet.Sources.Git;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>A render request checked and resolved for one cluster: renderer, path and the key of its cache entry.</summary>
internal sealed record RenderPlan(RenderRequest Request, string Renderer, string Commit, string Path, string CacheKey, ResolvedParameters Parameters)
{
    public const string Directory = "directory";
    public const string Kustomize = "kustomize";
    public const string Jsonnet = "jsonnet";
    public const string Helm = "helm";

    /// <summary>True for <c>auto</c>: the renderer is chosen from what the path holds.</summary>
    public static bool IsAuto(string? renderer) => string.Equals(renderer?.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    public static RenderPlan Create(RenderRequest request)
    {
        var renderer = NormalizeRenderer(request.Renderer, request.Repository);
        var commit = (request.Commit ?? string.Empty).Trim().ToLowerInvariant();
        if (commit.Length != 40 || !RevisionSyntax.IsHex(commit))
            throw new SourceException($"commit '{request.Commit}' of repository {request.Repository.Name} is not a full 40-character SHA; resolve the revision first");

        var path = PathTemplate.NormalizeRelative(PathTemplate.Substitute(request.Path ?? string.Empty, request.Cluster, "path"), "path");

        // Only what changes the output goes into the key, so clusters that resolve alike share one render.
        var parts = new List<string> { request.Repository.Url.Trim(), commit, path, renderer, "i:" + string.Join(',', request.Include), "e:" + string.Join(',', request.Exclude) };
        if (renderer == Jsonnet)
        {
            // Jsonnet programs see the cluster (ext var "cluster"), so its facts are part of the key.
            parts.Add(ClusterJson(request.Cluster));
        }

        // Parameters resolved for this cluster: clusters whose placeholders resolve alike still share one render.
        var parameters = ResolvedParameters.Resolve(request.Parameters, request.Cluster, path, request.Repository.Name);
        var parametersKey = parameters.ToCacheKey();
        if (parametersKey.Length > 0)
            parts.Add("p:" + parametersKey);

        return new RenderPlan(request, renderer, commit, path, string.Join('\u001f', parts), parameters);
    }

    /// <summary>The cluster as a JSON object {"name": ..., "labels": {...}} with labels in a stable order.</summary>
    public static string ClusterJson(ClusterParameters cluster)
    {
        var labels = new System.Text.Json.Nodes.JsonObject();
        foreach (var (k, v) in cluster.Labels.OrderBy(p => p.Key, StringComparer.Ordinal))
            labels[k] = v;
        return new System.Text.Json.Nodes.JsonObject { ["name"] = cluster.Name, ["labels"] = labels }.ToJsonString();
    }

    private static string NormalizeRenderer(string? renderer, RepositorySpec repository) =>
        (renderer ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "" or "directory" or "dir" or "plain" => Directory,
            "kustomize" => Kustomize,
            "jsonnet" => Jsonnet,
            "helm" => Helm,
            var other => throw new SourceException($"renderer '{other}' is unknown (repository {repository.Name}); use directory, kustomize, jsonnet, helm or auto"),
        };
}
