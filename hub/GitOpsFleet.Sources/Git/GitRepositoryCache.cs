using System.Collections.Concurrent;
using System.Diagnostics;
using LibGit2Sharp;
using LibGit2Sharp.Handlers;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Sources.Git;

/// <summary>
/// One bare clone per repository URL under <see cref="SourcesOptions.CacheDirectory"/>. Fetches are serialized per
/// repository and run concurrently across repositories; reads open their own <see cref="Repository"/> handle.
/// </summary>
internal sealed partial class GitRepositoryCache(SourcesOptions options, ILogger<GitRepositoryCache> logger) : IGitSource
{
    internal const string RemoteName = "origin";
    private const string RemoteHeadRef = "refs/remotes/origin/HEAD";
    private static readonly string[] FetchRefSpecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"];

    private readonly ConcurrentDictionary<string, RepositoryState> _states = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<string> ResolveRevisionAsync(RepositorySpec repository, string revision, bool fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var rev = (revision ?? string.Empty).Trim();
        var range = SemanticVersionRange.LooksLikeRange(rev) ? SemanticVersionRange.Parse(rev, repository) : null;
        if (range is null) RevisionSyntax.Validate(rev, repository);
        Func<string, string?> resolve = range is null ? path => TryResolve(path, rev, repository) : path => TryResolveRange(path, range);

        var (path, fetched) = await EnsureCachedAsync(repository, cancellationToken).ConfigureAwait(false);
        if (fetch && !fetched)
        {
            await FetchAsync(repository, cancellationToken).ConfigureAwait(false);
            fetched = true;
        }

        var sha = await Task.Run(() => resolve(path), cancellationToken).ConfigureAwait(false);
        if (sha is null && !fetched)
        {
            // A revision we have not seen yet (a new tag, a pinned commit): one fetch before giving up.
            await FetchAsync(repository, cancellationToken).ConfigureAwait(false);
            sha = await Task.Run(() => resolve(path), cancellationToken).ConfigureAwait(false);
        }

        if (sha is null && range is not null)
            throw new SourceException($"no tag in repository {repository.Name} matches version range '{rev}'");
        if (sha is null)
        {
            var shown = rev.Length == 0 ? "HEAD" : rev;
            throw new SourceException($"revision '{shown}' not found in repository {repository.Name}");
        }

        return sha;
    }

    /// <summary>The bare cache's folder, cloning it first when missing.</summary>
    public async Task<string> GetCachePathAsync(RepositorySpec repository, CancellationToken cancellationToken) =>
        (await EnsureCachedAsync(repository, cancellationToken).ConfigureAwait(false)).Path;

    /// <summary>Makes sure <paramref name="commit"/> is in the cache (one fetch if not) and returns the cache's folder.</summary>
    public async Task<string> EnsureCommitAsync(RepositorySpec repository, string commit, CancellationToken cancellationToken)
    {
        var (path, fetched) = await EnsureCachedAsync(repository, cancellationToken).ConfigureAwait(false);
        if (!fetched && !HasCommit(path, commit))
            await FetchAsync(repository, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Fetches every branch and tag; concurrent callers of one repository share a fetch that began after they asked.</summary>
    public async Task FetchAsync(RepositorySpec repository, CancellationToken cancellationToken)
    {
        var path = RepositoryLocation.CacheFolder(options.CacheDirectory, repository.Url);
        var state = _states.GetOrAdd(path, _ => new RepositoryState());
        var askedAt = Stopwatch.GetTimestamp();
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (state.LastFetchStarted > askedAt) return; // someone fetched for us while we waited
            state.LastFetchStarted = Stopwatch.GetTimestamp();
            await RunFetchAsync(path, repository, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private async Task<(string Path, bool Fetched)> EnsureCachedAsync(RepositorySpec repository, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(repository.Url))
            throw new SourceException($"repository {repository.Name} has no URL");
        var path = RepositoryLocation.CacheFolder(options.CacheDirectory, repository.Url);
        var state = _states.GetOrAdd(path, _ => new RepositoryState());
        if (state.Verified && Directory.Exists(path)) return (path, false);

        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Directory.Exists(path))
            {
                // Checked once per process: a cache broken by a crash or a full disk is cloned again, not reported forever.
                if (state.Verified || Repository.IsValid(path))
                {
                    state.Verified = true;
                    return (path, false);
                }

                LogCacheBroken(repository.Name);
                TryDelete(path);
            }

            // Clone into a scratch folder and move it in place only when the first fetch worked,
            // so a failed clone never leaves a cache that looks present but is empty.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var scratch = path + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                Repository.Init(scratch, isBare: true);
                state.LastFetchStarted = Stopwatch.GetTimestamp();
                await RunFetchAsync(scratch, repository, cancellationToken).ConfigureAwait(false);
                Directory.Move(scratch, path);
                state.Verified = true;
            }
            finally
            {
                if (Directory.Exists(scratch)) TryDelete(scratch);
            }

            return (path, true);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private async Task RunFetchAsync(string path, RepositorySpec repository, CancellationToken cancellationToken)
    {
        if (RepositoryLocation.IsSsh(repository.Url) && !GlobalSettings.Version.Features.HasFlag(BuiltInFeatures.Ssh))
            throw new SourceException($"repository {repository.Name}: SSH URLs are not supported by this hub's libgit2 build; use an HTTPS URL with a token");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.FetchTimeout);
        using var activity = SourcesTelemetry.ActivitySource.StartActivity("git fetch");
        activity?.SetTag("gitopsfleet.repository", repository.Name);
        var started = Stopwatch.GetTimestamp();
        LogFetchStarted(repository.Name, SecretMasker.SafeUrl(repository.Url));
        try
        {
            // libgit2 only notices cancellation while data flows; WaitAsync frees the caller from a server that went silent.
            await Task.Run(() => FetchBlocking(path, repository, timeout.Token), timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or UserCancelledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SourceException($"fetch of repository {repository.Name} timed out after {options.FetchTimeout.TotalSeconds:0.#} s");
        }
        catch (LibGit2SharpException ex)
        {
            var message = SecretMasker.Mask(ex.Message, repository);
            LogFetchFailed(repository.Name, message);
            throw new SourceException($"fetch of repository {repository.Name} ({SecretMasker.SafeUrl(repository.Url)}) failed: {message}");
        }

        LogFetchFinished(repository.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void FetchBlocking(string path, RepositorySpec repository, CancellationToken cancellationToken)
    {
        using var repo = new Repository(path);
        var url = RepositoryLocation.RemoteUrl(repository.Url);
        var remote = repo.Network.Remotes[RemoteName];
        if (remote is null)
            remote = repo.Network.Remotes.Add(RemoteName, url, FetchRefSpecs[0]);
        else if (remote.Url != url)
            repo.Network.Remotes.Update(RemoteName, r => r.Url = url);

        var credentials = CredentialsFor(repository);
        var fetchOptions = new FetchOptions
        {
            Prune = true,
            TagFetchMode = TagFetchMode.None, // tags come through the explicit refspec
            CredentialsProvider = credentials,
            OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
            OnProgress = _ => !cancellationToken.IsCancellationRequested,
        };
        Commands.Fetch(repo, RemoteName, FetchRefSpecs, fetchOptions, "gitopsfleet fetch");
        cancellationToken.ThrowIfCancellationRequested();
        UpdateRemoteHead(repo, repo.Network.Remotes[RemoteName], credentials, repository);
    }

    // Records which branch the remote's HEAD names, so an empty revision means "the default branch".
    private void UpdateRemoteHead(Repository repo, Remote remote, CredentialsHandler? credentials, RepositorySpec repository)
    {
        string? branch = null;
        try
        {
            var references = credentials is null ? repo.Network.ListReferences(remote) : repo.Network.ListReferences(remote, credentials);
            var head = references.FirstOrDefault(r => r.CanonicalName == "HEAD");
            if (head is SymbolicReference { Target: not null } symbolic)
                branch = symbolic.Target.CanonicalName;
            else if (head is not null)
                branch = GuessBranchOf(repo, head.TargetIdentifier);
        }
        catch (LibGit2SharpException ex)
        {
            LogRemoteHeadUnknown(repository.Name, SecretMasker.Mask(ex.Message, repository));
        }

        branch ??= new[] { "refs/heads/main", "refs/heads/master" }.FirstOrDefault(b => repo.Refs[ToRemoteRef(b)] is not null);
        if (branch is null) return;
        var target = repo.Refs[ToRemoteRef(branch)];
        if (target is not null)
            repo.Refs.Add(RemoteHeadRef, target, allowOverwrite: true);
    }

    private static string? GuessBranchOf(Repository repo, string sha)
    {
        var matching = repo.Refs.FromGlob("refs/remotes/origin/*")
            .Where(r => r.CanonicalName != RemoteHeadRef && r.TargetIdentifier == sha)
            .Select(r => "refs/heads/" + r.CanonicalName["refs/remotes/origin/".Length..])
            .ToList();
        return matching.FirstOrDefault(b => b is "refs/heads/main" or "refs/heads/master") ?? matching.FirstOrDefault();
    }

    private static string ToRemoteRef(string headsRef) => "refs/remotes/origin/" + headsRef["refs/heads/".Length..];

    private static CredentialsHandler? CredentialsFor(RepositorySpec repository)
    {
        if (string.IsNullOrEmpty(repository.Password) && string.IsNullOrEmpty(repository.Username)) return null;
        // A token alone works with any non-empty user name on GitHub, GitLab and Bitbucket.
        var username = string.IsNullOrEmpty(repository.Username) ? "git" : repository.Username;
        return (_, _, _) => new UsernamePasswordCredentials { Username = username, Password = repository.Password ?? string.Empty };
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch folder is harmless: its name never matches a cache folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class RepositoryState
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public long LastFetchStarted { get; set; }

        public bool Verified { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetching repository {Repository} from {Url}")]
    private partial void LogFetchStarted(string repository, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched repository {Repository} in {ElapsedMs:F0} ms")]
    private partial void LogFetchFinished(string repository, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetch of repository {Repository} failed: {Error}. Check the URL and credentials; the last fetched commits stay in use")]
    private partial void LogFetchFailed(string repository, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cache of repository {Repository} is not a valid Git repository; cloning it again")]
    private partial void LogCacheBroken(string repository);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the default branch of repository {Repository}: {Error}; falling back to main or master")]
    private partial void LogRemoteHeadUnknown(string repository, string error);
}
