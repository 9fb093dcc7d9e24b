using System.Collections.Concurrent;
using System.Diagnostics;
using GitOpsFleet.Sources.Git;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// Renders applications with a bounded number of renders at once, a render cache shared by all clusters with the
/// same resolved parameters, and one render in flight per key however many clusters ask for it.
/// </summary>
public sealed partial class ManifestRenderer : IManifestRenderer
{
    private readonly GitRepositoryCache _git;
    private readonly SourcesOptions _options;
    private readonly ILogger<ManifestRenderer> _logger;
    private readonly RenderCache _cache;
    private readonly FailedRenderCache _failures;
    private readonly RendererDetection _detection = new();
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, Lazy<Task<RenderedBundle>>> _inFlight = new(StringComparer.Ordinal);
    private long _renders;
    private long _cacheHits;

    internal ManifestRenderer(GitRepositoryCache git, SourcesOptions options, ILogger<ManifestRenderer> logger)
    {
        _git = git;
        _options = options;
        _logger = logger;
        _cache = new RenderCache(options.RenderCacheBytes);
        _failures = new FailedRenderCache(options.FailedRenderRetryAfter, TimeProvider.System);
        _slots = new SemaphoreSlim(options.MaxConcurrentRenders, options.MaxConcurrentRenders);
    }

    /// <summary>How many renders actually ran (cache misses).</summary>
    public long RenderCount => Interlocked.Read(ref _renders);

    /// <summary>How many requests the render cache or an in-flight render answered.</summary>
    public long CacheHitCount => Interlocked.Read(ref _cacheHits);

    /// <summary>Bytes the render cache holds now.</summary>
    public long CacheBytes => _cache.Bytes;

    /// <inheritdoc />
    public async Task<RenderedBundle> RenderAsync(RenderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RenderPlan.IsAuto(request.Renderer))
            request = request with { Renderer = await DetectRendererAsync(request, cancellationToken).ConfigureAwait(false) };
        var plan = RenderPlan.Create(request);
        if (_cache.TryGet(plan.CacheKey, out var cached))
        {
            Interlocked.Increment(ref _cacheHits);
            return cached;
        }

        if (_failures.TryGet(plan.CacheKey, out var failure))
        {
            Interlocked.Increment(ref _cacheHits);
            throw new SourceException(failure);
        }

        var created = false;
        var shared = _inFlight.GetOrAdd(plan.CacheKey, _ =>
        {
            created = true;
            return new Lazy<Task<RenderedBundle>>(() => RenderSharedAsync(plan));
        });
        if (!created) Interlocked.Increment(ref _cacheHits);

        // The render itself is bounded by RenderTimeout, not by this caller: other clusters may be waiting on it.
        return await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DetectRendererAsync(RenderRequest request, CancellationToken cancellationToken)
    {
        // Create validates the commit and path; the renderer is only a placeholder here.
        var probe = RenderPlan.Create(request with { Renderer = RenderPlan.Directory });
        var cachePath = await _git.EnsureCommitAsync(request.Repository, probe.Commit, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => _detection.Detect(cachePath, request.Repository, probe.Commit, probe.Path), cancellationToken).ConfigureAwait(false);
    }

    private async Task<RenderedBundle> RenderSharedAsync(RenderPlan plan)
    {
        // Leave the caller's scheduler (an Orleans grain's, say) at once: this task is shared by many callers.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        try
        {
            var bundle = await RenderWithSlotAsync(plan).ConfigureAwait(false);
            _cache.Add(plan.CacheKey, bundle);
            return bundle;
        }
        catch (SourceException ex)
        {
            _failures.Add(plan.CacheKey, ex.Message);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(plan.CacheKey, out _);
        }
    }

    private async Task<RenderedBundle> RenderWithSlotAsync(RenderPlan plan)
    {
        var request = plan.Request;
        var cachePath = await _git.EnsureCommitAsync(request.Repository, plan.Commit, CancellationToken.None).ConfigureAwait(false);

        await _slots.WaitAsync().ConfigureAwait(false);
        using var activity = SourcesTelemetry.ActivitySource.StartActivity("render");
        activity?.SetTag("gitopsfleet.repository", request.Repository.Name);
        activity?.SetTag("gitopsfleet.path", plan.Path);
        activity?.SetTag("gitopsfleet.renderer", plan.Renderer);
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.RenderTimeout);
        try
        {
            Interlocked.Increment(ref _renders);
            var bundle = await Task.Run(() => RenderBlockingAsync(cachePath, plan, timeout.Token), timeout.Token).ConfigureAwait(false);
            LogRendered(request.Repository.Name, plan.Path, plan.Renderer, bundle.ManifestsJson.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return bundle;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var error = new SourceException($"render of path '{plan.Path}' of repository {request.Repository.Name} ({plan.Renderer}) timed out after {_options.RenderTimeout.TotalSeconds:0.#} s");
            LogRenderFailed(request.Repository.Name, plan.Path, error.Message);
            throw error;
        }
        catch (SourceException ex)
        {
            LogRenderFailed(request.Repository.Name, plan.Path, ex.Message);
            throw;
        }
        catch (LibGit2SharpException ex)
        {
            var message = SecretMasker.Mask(ex.Message, request.Repository);
            LogRenderFailed(request.Repository.Name, plan.Path, message);
            throw new SourceException($"reading repository {request.Repository.Name} failed: {message}", ex);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<RenderedBundle> RenderBlockingAsync(string cachePath, RenderPlan plan, CancellationToken cancellationToken)
    {
        using var repo = new Repository(cachePath);
        var commit = repo.Lookup<Commit>(new ObjectId(plan.Commit))
            ?? throw new SourceException($"commit {plan.Commit[..7]} not found in repository {plan.Request.Repository.Name}");
        var context = new RenderContext(repo, commit, plan.Path, plan.Request, _options.MaxOutputBytes, _options.RenderTimeout, _options.ToolSearchPath);
        return plan.Renderer switch
        {
            RenderPlan.Directory => DirectoryRenderer.Render(context, cancellationToken),
            _ => await ToolRenderers.RenderAsync(plan, context, cancellationToken).ConfigureAwait(false),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rendered path {Path} of repository {Repository} with {Renderer}: {Count} objects in {ElapsedMs:F0} ms")]
    private partial void LogRendered(string repository, string path, string renderer, int count, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Render of path {Path} of repository {Repository} failed: {Error}. The application keeps its last good bundle until the source is fixed")]
    private partial void LogRenderFailed(string repository, string path, string error);
}
