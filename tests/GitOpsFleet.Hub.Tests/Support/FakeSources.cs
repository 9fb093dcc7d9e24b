using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GitOpsFleet.Sources;

namespace GitOpsFleet.Hub.Tests.Support;

/// <summary>A Git source whose branches tests move by hand.</summary>
internal sealed class FakeGitSource : IGitSource
{
    private readonly ConcurrentDictionary<string, string> _heads = new();

    public void SetHead(string url, string revision, string commit) => _heads[$"{url}#{revision}"] = commit;

    public Task<string> ResolveRevisionAsync(RepositorySpec repository, string revision, bool fetch, CancellationToken cancellationToken) =>
        _heads.TryGetValue($"{repository.Url}#{revision}", out var commit)
            ? Task.FromResult(commit)
            : throw new SourceException($"repository {repository.Name}: revision {revision} not found");
}

/// <summary>A renderer that returns fixed manifests per commit, or fails for commits marked broken.</summary>
internal sealed class FakeRenderer : IManifestRenderer
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _manifests = new();
    private readonly ConcurrentDictionary<string, string> _errors = new();
    private int _renders;

    public int Renders => _renders;

    public void SetManifests(string commit, params string[] manifestsJson) => _manifests[commit] = manifestsJson;

    public void SetError(string commit, string message) => _errors[commit] = message;

    public Task<RenderedBundle> RenderAsync(RenderRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _renders);
        if (_errors.TryGetValue(request.Commit, out var error))
        {
            throw new SourceException(error);
        }
        var manifests = _manifests.GetValueOrDefault(request.Commit) ?? [];
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\0", manifests))));
        return Task.FromResult(new RenderedBundle(manifests, hash));
    }
}
