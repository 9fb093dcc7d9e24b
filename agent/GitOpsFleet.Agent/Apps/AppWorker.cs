using GitOpsFleet.Agent.Hub;
using GitOpsFleet.Kube;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Kube.Watch;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent.Apps;

/// <summary>
/// Keeps one application in its desired state: syncs (with retries), assesses health until it settles,
/// checks drift when a watched object changes and heals it, and reports status to the hub as deltas.
/// All cluster work for the application happens on this worker's single loop.
/// </summary>
internal sealed partial class AppWorker : IAsyncDisposable
{
    private static readonly TimeSpan PeriodicDriftCheck = TimeSpan.FromSeconds(60);
    private readonly ResourceManager _manager;
    private readonly ManagedObjectWatcher _watcher;
    private readonly IHubOutbox _outbox;
    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly StatusTracker _status = new();
    private readonly object _gate = new();
    private Task? _loop;

    // Guarded by _gate: what the loop should do next.
    private Desired? _desired;
    private SyncRequest? _request;
    private bool _needSync;
    private bool _needDriftCheck;
    private bool _driftSoon;
    private bool _assessSoon;
    private bool _needAssess;
    private bool _selfHealPaused;
    private bool _unknownToHub;
    private DateTimeOffset _retryAt;

    // Owned by the loop.
    private int _attempt;
    private int _heals;
    private SyncResult? _lastSync;
    private OperationPhase _phase = OperationPhase.None;
    private string _message = "";
    private IReadOnlySet<Kube.ResourceKey> _drifted = new HashSet<Kube.ResourceKey>();
    private HealthState _health = HealthState.Unknown;
    private DateTimeOffset _nextAssess = DateTimeOffset.MaxValue;
    private TimeSpan _assessDelay;
    private DateTimeOffset _nextDriftCheck = DateTimeOffset.MaxValue;
    private DateTimeOffset _lastDriftCheck = DateTimeOffset.MinValue;
    private DateTimeOffset _lastAssess = DateTimeOffset.MinValue;
    private static readonly TimeSpan MinDriftGap = TimeSpan.FromMilliseconds(300);

    // The fallback health poll backs off to this many times AgentOptions.HealthPollInterval.
    private const double MaxAssessBackoff = 5;

    public AppWorker(string app, ResourceManager manager, ManagedObjectWatcher watcher, IHubOutbox outbox, AgentOptions options, ILogger logger, TimeProvider time)
    {
        App = app;
        _manager = manager;
        _watcher = watcher;
        _outbox = outbox;
        _options = options;
        _logger = logger;
        _time = time;
        _assessDelay = options.HealthPollInterval;
    }

    public string App { get; }

    /// <summary>Generation of the desired state this worker holds (0 for none).</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _desired?.Generation ?? 0;
            }
        }
    }

    public void Start() => _loop ??= Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Takes a new desired state; returns false (and ignores it) when its generation is not newer.</summary>
    public bool TrySetDesired(Desired desired)
    {
        lock (_gate)
        {
            if (_desired is not null && desired.Generation <= _desired.Generation)
            {
                return false;
            }
            var bundle = BundleCodec.Decompress(desired.CompressedBundle);
            _desired = desired;
            _request = new SyncRequest(App, bundle.Manifests.Select(m => m.Json).ToList(), ProtoMapping.ToKube(desired.Options, desired.DefaultNamespace));
            _needSync = true;
            _retryAt = DateTimeOffset.MinValue;
            _attempt = 0;
            _heals = 0;
            _unknownToHub = false;
            _status.NeedFull = true;
        }
        _wake.Release();
        return true;
    }

    public void RequestSync() => Signal(() => { _needSync = true; _retryAt = DateTimeOffset.MinValue; _attempt = 0; });

    public void RequestRefresh() => Signal(() => { _needDriftCheck = true; _needAssess = true; });

    /// <summary>A watched object's status changed: reassess health soon, coalesced like drift checks.</summary>
    public void RequestHealthCheck(Kube.ResourceKey key) => Signal(() =>
    {
        _assessSoon = true;
        _changedSinceAssess.Add(key.Identity);
    });

    /// <summary>After a reconnect the hub gets the full resource list again.</summary>
    public void RequestFullStatus() => Signal(() => { _status.NeedFull = true; _needAssess = true; });

    public void SetSelfHealPaused(bool paused) => Signal(() => _selfHealPaused = paused);

    /// <summary>
    /// Whether the hub's Welcome listed this application. One it did not list (and sent no Remove for) is kept
    /// and still healed, since losing the hub must never delete, but its status says so.
    /// </summary>
    public void SetKnownToHub(bool known) => Signal(() => { _unknownToHub = !known; _needAssess = true; });

    public async Task<DiffResult> DiffAsync(string requestId, CancellationToken cancellationToken)
    {
        SyncRequest? request;
        lock (_gate)
        {
            request = _request;
        }
        var result = new DiffResult { RequestId = requestId, App = App };
        if (request is null)
        {
            result.Error = $"application {App} has no desired state on this cluster yet";
            return result;
        }
        try
        {
            result.Resources.AddRange((await _manager.DiffAsync(request, cancellationToken).ConfigureAwait(false)).Select(ProtoMapping.ToProto));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result.Error = $"diff of {App} failed: {ex.Message}";
        }
        return result;
    }

    private void Signal(Action change)
    {
        lock (_gate)
        {
            change();
        }
        _wake.Release();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await WaitForWorkAsync(cancellationToken).ConfigureAwait(false);
                await StepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The API server was unreachable or answered oddly: try again shortly, never give up the app.
                LogStepFailed(ex, App);
                lock (_gate)
                {
                    _needAssess = true;
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset next;
        lock (_gate)
        {
            var driftSoonAt = _driftSoon ? _lastDriftCheck + MinDriftGap : DateTimeOffset.MaxValue;
            var assessSoonAt = _assessSoon ? _lastAssess + MinDriftGap : DateTimeOffset.MaxValue;
            next = new[] { _nextAssess, _nextDriftCheck, driftSoonAt, assessSoonAt, _needSync ? _retryAt : DateTimeOffset.MaxValue }.Min();
            if (_needAssess || _needDriftCheck || driftSoonAt <= now || assessSoonAt <= now || (_needSync && _retryAt <= now))
            {
                return;
            }
        }
        var wait = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : next - now;
        if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
        {
            return;
        }
        await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
    }
}
