using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Protos.Agent;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent.Apps;

internal sealed partial class AppWorker
{
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        Desired? desired;
        SyncRequest? request;
        bool sync, driftCheck, assess, healPaused, watchOnly;
        HashSet<string>? changed = null;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            desired = _desired;
            request = _request;
            sync = _needSync && _retryAt <= now;
            driftCheck = _needDriftCheck || now >= _nextDriftCheck || (_driftSoon && now >= _lastDriftCheck + MinDriftGap);
            assess = _needAssess || now >= _nextAssess || (_assessSoon && now >= _lastAssess + MinDriftGap);
            healPaused = _selfHealPaused;
            // Only watch events asked for this assessment: nothing timed, requested, synced or drift-checked.
            watchOnly = assess && !_needAssess && now < _nextAssess && !sync && !driftCheck;
            if (driftCheck)
            {
                _needDriftCheck = false;
                _driftSoon = false;
                _pendingChanges.Clear();
            }
            _needAssess = false;
            if (assess)
            {
                _assessSoon = false;
                changed = [.. _changedSinceAssess];
                _changedSinceAssess.Clear();
            }
            if (sync)
            {
                _needSync = false;
            }
        }
        if (desired is null || request is null)
        {
            _nextAssess = _nextDriftCheck = DateTimeOffset.MaxValue;
            return;
        }

        if (sync)
        {
            await SyncOnceAsync(desired, request, cancellationToken).ConfigureAwait(false);
            assess = true;
            driftCheck = false;
            _drifted = new HashSet<Kube.ResourceKey>();
        }
        if (driftCheck && _lastSync is not null)
        {
            _nextDriftCheck = _time.GetUtcNow() + PeriodicDriftCheck;
            _lastDriftCheck = _time.GetUtcNow();
            _drifted = await _manager.DetectDriftAsync(request, cancellationToken).ConfigureAwait(false);
            assess = true;
            var options = desired.Options;
            var correct = options is not null && options.SelfHeal && options.Drift != "detect";
            if (_drifted.Count > 0 && correct && !healPaused)
            {
                // Heal with backoff so a fight with another controller does not become a hot loop.
                var delay = _heals == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, _heals - 1)));
                _heals++;
                LogDriftHealing(App, _drifted.Count, delay);
                lock (_gate)
                {
                    _needSync = true;
                    _retryAt = _time.GetUtcNow() + delay;
                }
            }
            else if (_drifted.Count == 0)
            {
                _heals = 0;
            }
        }
        if (assess)
        {
            await AssessAndReportAsync(desired, watchOnly ? changed : null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Status message of an application the hub's Welcome did not list.</summary>
    internal const string NotKnownToHub = "not known to the hub; kept";

    private async Task SyncOnceAsync(Desired desired, SyncRequest request, CancellationToken cancellationToken)
    {
        _phase = OperationPhase.Running;
        var result = await _manager.SyncAsync(request, cancellationToken).ConfigureAwait(false);
        RecordOwnWrites(result);
        // The objects as the apply returned them serve the assessment that follows at once, then go.
        _justApplied = result.Applied;
        _lastSync = result with { Applied = null };
        _message = result.Message;
        foreach (var key in result.Inventory.DistinctBy(k => (k.Group, k.Version, k.Kind)))
        {
            if (await _manager.Catalog.FindAsync(key.ApiVersion, key.Kind, cancellationToken).ConfigureAwait(false) is { } resource)
            {
                _watcher.EnsureWatching(resource);
            }
        }
        if (result.Succeeded)
        {
            _phase = OperationPhase.Succeeded;
            _attempt = 0;
            LogSynced(App, desired.Generation, result.Message);
            return;
        }
        _phase = OperationPhase.Failed;
        _attempt++;
        var retry = RetrySchedule.From(desired.Options?.Retry);
        if (_attempt <= retry.Limit)
        {
            var delay = retry.DelayFor(_attempt);
            _message = $"{result.Message} (retry {_attempt} of {retry.Limit} in {delay.TotalSeconds:0.#} s)";
            lock (_gate)
            {
                _needSync = true;
                _retryAt = _time.GetUtcNow() + delay;
            }
        }
        LogSyncFailed(App, desired.Generation, _message);
    }

    private async Task AssessAndReportAsync(Desired desired, IReadOnlySet<string>? changedOnly, CancellationToken cancellationToken)
    {
        // Objects that failed before they reached the inventory (unknown kind, bad manifest) still get a row.
        var keys = (_lastSync?.Inventory ?? [])
            .Concat(_lastSync?.Resources.Where(r => r.Action == ResourceAction.Failed).Select(r => r.Key) ?? [])
            .DistinctBy(k => k.Identity)
            .ToList();
        IReadOnlyList<Kube.Health.HealthRule> rules;
        bool unknownToHub;
        lock (_gate)
        {
            rules = _request?.Options.HealthRules ?? [];
            unknownToHub = _unknownToHub;
        }
        lock (_gate)
        {
            // The watch-driven re-check (RequestHealthCheck) is throttled against this.
            _lastAssess = _time.GetUtcNow();
        }
        var report = await _manager.AssessAsync(keys, _drifted, rules, TakeKnownObjects(changedOnly), cancellationToken).ConfigureAwait(false);
        _health = _phase == OperationPhase.Failed && report.Health == HealthState.Healthy ? HealthState.Degraded : report.Health;
        var effective = report with { Health = _health };
        var outOfSync = _drifted.Count > 0 || _phase == OperationPhase.Failed;
        if (_health == HealthState.Progressing || (_health == HealthState.Missing && _phase != OperationPhase.Failed))
        {
            // Watch events on the app's objects (status changes included) re-assess within 300 ms; this poll is
            // only the fallback for what the watches do not see (child objects, a watch not yet started), so it
            // starts at the poll interval and backs off 1.5x to 5x that.
            _nextAssess = _time.GetUtcNow() + _assessDelay;
            var cap = _options.HealthPollInterval.TotalMilliseconds * MaxAssessBackoff;
            _assessDelay = TimeSpan.FromMilliseconds(Math.Min(cap, _assessDelay.TotalMilliseconds * 1.5));
            _lastAssessed = report.Live;
        }
        else
        {
            _nextAssess = DateTimeOffset.MaxValue;
            _assessDelay = _options.HealthPollInterval;
            _lastAssessed = null; // settled: an idle agent keeps no copies
        }
        if (_nextDriftCheck == DateTimeOffset.MaxValue)
        {
            _nextDriftCheck = _time.GetUtcNow() + PeriodicDriftCheck;
        }
        var message = unknownToHub ? NotKnownToHub + (_message.Length > 0 ? $" ({_message})" : "") : _message;
        var status = _status.Build(App, desired, _lastSync, effective, _phase, outOfSync, message, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (status is not null && _outbox.TrySend(new AgentMessage { Status = status }))
        {
            _status.MarkSent();
        }
        else if (status is not null)
        {
            _status.NeedFull = true; // offline: the hub gets the whole picture once it is back
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App} generation {Generation} synced: {Summary}")]
    private partial void LogSynced(string app, long generation, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {App} generation {Generation} failed to sync: {Reason}")]
    private partial void LogSyncFailed(string app, long generation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App}: {Count} objects drifted; re-applying in {Delay}")]
    private partial void LogDriftHealing(string app, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {App}: a step failed and will be retried; check that the API server is reachable")]
    private partial void LogStepFailed(Exception exception, string app);
}
