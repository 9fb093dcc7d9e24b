using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

internal sealed partial class ClusterGrain(
    [PersistentState("cluster")] IPersistentState<ClusterState> state,
    ILogger<ClusterGrain> logger) : Grain, IClusterGrain
{
    private IAgentSessionObserver? _observer;
    private Guid _sessionId;
    // Highest status generation seen per app since activation: replayed or reordered older ones are dropped.
    private readonly Dictionary<string, long> _lastStatusGeneration = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loggedUnknownApps = new(StringComparer.Ordinal);

    private string Name => this.GetPrimaryKeyString();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task<RegistrationOutcome> RegisterAsync(ClusterRegistration registration)
    {
        if (state.State.Exists)
        {
            // The name belongs to whoever holds its credential; a new registration would take it over.
            return RegistrationOutcome.NameTaken;
        }
        state.State.Exists = true;
        state.State.CredentialHash = registration.CredentialHash;
        state.State.Labels = new Dictionary<string, string>(registration.Labels, StringComparer.Ordinal);
        state.State.RegisteredUnixMs = Now;
        state.State.KubernetesVersion = registration.KubernetesVersion;
        state.State.AgentVersion = registration.AgentVersion;
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Clusters).SetAsync(Name, state.State.Labels);
        await AppendEventAsync(EventTypes.ClusterRegistered, $"cluster {Name} registered with labels {FormatLabels(state.State.Labels)}");
        await NotifyApplicationsOfChangeAsync();
        return RegistrationOutcome.Registered;
    }

    public Task<bool> VerifyCredentialAsync(string credentialHash) =>
        Task.FromResult(state.State.Exists && CryptographicEquals(state.State.CredentialHash, credentialHash));

    public Task<ClusterInfo?> GetAsync() => Task.FromResult(state.State.Exists ? ToInfo() : null);

    public async Task SetLabelsAsync(IReadOnlyDictionary<string, string> labels)
    {
        EnsureExists();
        state.State.Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Clusters).SetAsync(Name, state.State.Labels);
        await NotifyApplicationsOfChangeAsync();
    }

    public async Task<bool> RemoveAsync()
    {
        if (!state.State.Exists)
        {
            return false;
        }
        var apps = state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key).ToList();
        if (_observer is not null)
        {
            _ = _observer.OnClosedAsync($"cluster {Name} was removed from the hub");
        }
        _observer = null;
        await state.ClearStateAsync();
        state.State = new ClusterState();
        await GrainFactory.Index(IndexKeys.Clusters).RemoveAsync(Name);
        await AppendEventAsync(EventTypes.ClusterRemoved, $"cluster {Name} removed");
        foreach (var app in apps)
        {
            await GrainFactory.GetGrain<IApplicationGrain>(app).OnClusterChangedAsync(Name);
        }
        return true;
    }

    public async Task<AttachResult> AttachAsync(Guid sessionId, IAgentSessionObserver observer, AgentHello hello)
    {
        EnsureExists();
        if (_observer is not null && _sessionId != sessionId)
        {
            // Only one stream per cluster: the newest wins, the old one is told to go.
            _ = _observer.OnClosedAsync($"a newer session for cluster {Name} connected");
        }
        var wasConnected = _observer is not null;
        _observer = observer;
        _sessionId = sessionId;
        state.State.AgentVersion = hello.AgentVersion;
        state.State.KubernetesVersion = hello.KubernetesVersion;
        state.State.LastSeenUnixMs = Now;
        await state.WriteStateAsync();

        var desired = new List<DesiredApp>();
        var removals = new List<RemoveApp>();
        foreach (var (app, entry) in state.State.Apps)
        {
            var applied = hello.AppliedGenerations.GetValueOrDefault(app, 0);
            if (entry.Removed)
            {
                if (hello.AppliedGenerations.ContainsKey(app) && applied < entry.Generation)
                {
                    removals.Add(new RemoveApp(app, entry.Generation, entry.Prune));
                }
            }
            else if (applied < entry.Generation)
            {
                var message = await ToDesiredAsync(app, entry);
                if (message is not null)
                {
                    desired.Add(message);
                }
            }
        }
        var applications = state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
        LogAttached(Name, desired.Count, removals.Count);
        if (!wasConnected)
        {
            await AppendEventAsync(EventTypes.ClusterConnected, $"cluster {Name} connected (agent {hello.AgentVersion}, Kubernetes {hello.KubernetesVersion})");
            await NotifyApplicationsOfConnectionAsync(true);
        }
        return new AttachResult(applications, desired, removals);
    }

    public Task HeartbeatAsync(Guid sessionId, IAgentSessionObserver observer)
    {
        state.State.LastSeenUnixMs = Now;
        if (_observer is null && state.State.Exists)
        {
            // The grain was reactivated while the stream stayed up: take the session back.
            _observer = observer;
            _sessionId = sessionId;
        }
        return Task.CompletedTask;
    }

    public async Task DetachAsync(Guid sessionId)
    {
        if (_sessionId != sessionId || _observer is null)
        {
            return;
        }
        _observer = null;
        if (!state.State.Exists)
        {
            return;
        }
        state.State.LastSeenUnixMs = Now;
        await state.WriteStateAsync();
        await AppendEventAsync(EventTypes.ClusterDisconnected, $"cluster {Name} disconnected");
        await NotifyApplicationsOfConnectionAsync(false);
    }

    public Task ReportStatusAsync(Guid sessionId, AgentAppStatus status)
    {
        state.State.LastSeenUnixMs = Now;
        if (!state.State.Apps.TryGetValue(status.App, out var entry) || entry.Removed)
        {
            if (_loggedUnknownApps.Add(status.App))
            {
                LogUnknownApp(Name, status.App);
            }
            return Task.CompletedTask;
        }
        if (status.Generation > entry.Generation
            || status.Generation < _lastStatusGeneration.GetValueOrDefault(status.App, 0))
        {
            LogStaleStatus(Name, status.App, status.Generation, entry.Generation);
            return Task.CompletedTask;
        }
        _lastStatusGeneration[status.App] = status.Generation;
        return GrainFactory.GetGrain<IApplicationGrain>(status.App).OnTargetStatusAsync(Name, status);
    }

    public async Task<long> SetDesiredAsync(DesiredSpec spec)
    {
        EnsureExists();
        if (state.State.Apps.TryGetValue(spec.App, out var entry) && !entry.Removed
            && entry.Revision == spec.Revision && entry.BundleHash == spec.BundleHash
            && entry.DefaultNamespace == spec.DefaultNamespace && entry.Options.SameAs(spec.Options))
        {
            return entry.Generation;
        }
        entry ??= new ClusterAppEntry();
        entry.Generation++;
        entry.Revision = spec.Revision;
        entry.BundleHash = spec.BundleHash;
        entry.Options = spec.Options;
        entry.DefaultNamespace = spec.DefaultNamespace;
        entry.Removed = false;
        entry.Prune = false;
        state.State.Apps[spec.App] = entry;
        await state.WriteStateAsync();
        if (_observer is not null)
        {
            var message = await ToDesiredAsync(spec.App, entry);
            if (message is not null)
            {
                _ = _observer.OnDesiredAsync(message);
            }
        }
        return entry.Generation;
    }

    public async Task RemoveApplicationAsync(string app, bool prune)
    {
        if (!state.State.Apps.TryGetValue(app, out var entry) || entry.Removed)
        {
            return;
        }
        entry.Generation++;
        entry.Removed = true;
        entry.Prune = prune;
        await state.WriteStateAsync();
        if (_observer is not null)
        {
            _ = _observer.OnRemoveAsync(new RemoveApp(app, entry.Generation, prune));
        }
    }

    public Task SendCommandAsync(string app, AgentCommandKind kind, string requestId)
    {
        _observer?.OnCommandAsync(app, kind, requestId);
        return Task.CompletedTask;
    }

    private async Task<DesiredApp?> ToDesiredAsync(string app, ClusterAppEntry entry)
    {
        var bytes = await GrainFactory.GetGrain<IBundleGrain>(entry.BundleHash).GetAsync();
        if (bytes is null)
        {
            LogMissingBundle(Name, app, entry.BundleHash);
            return null;
        }
        return new DesiredApp(app, entry.Generation, entry.Revision, entry.BundleHash, bytes, entry.Options, entry.DefaultNamespace);
    }

    private ClusterInfo ToInfo() => new(
        Name,
        new Dictionary<string, string>(state.State.Labels),
        _observer is not null,
        state.State.LastSeenUnixMs,
        state.State.AgentVersion,
        state.State.KubernetesVersion,
        state.State.RegisteredUnixMs,
        state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key).Order(StringComparer.Ordinal).ToList());

    private void EnsureExists()
    {
        if (!state.State.Exists)
        {
            throw HubException.NotFound($"cluster {Name}");
        }
    }

    private async Task NotifyApplicationsOfChangeAsync()
    {
        var apps = await GrainFactory.Index(IndexKeys.Applications).ListAsync();
        foreach (var app in apps.Keys)
        {
            await GrainFactory.GetGrain<IApplicationGrain>(app).OnClusterChangedAsync(Name);
        }
    }

    private async Task NotifyApplicationsOfConnectionAsync(bool connected)
    {
        foreach (var app in state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key))
        {
            await GrainFactory.GetGrain<IApplicationGrain>(app).OnTargetConnectionAsync(Name, connected);
        }
    }

    private async Task AppendEventAsync(string type, string message)
    {
        try
        {
            await GrainFactory.Events().AppendAsync(type, $"cluster/{Name}", message, "hub");
        }
        catch (Exception ex)
        {
            LogEventFailed(ex, Name);
        }
    }

    private static string FormatLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "(none)" : string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));

    private static bool CryptographicEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster} attached an agent session; sending {Desired} desired and {Removals} removals")]
    private partial void LogAttached(string cluster, int desired, int removals);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {Cluster} reported status for application {App}, which the hub does not send it; ignored")]
    private partial void LogUnknownApp(string cluster, string app);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster {Cluster} reported stale status for {App} at generation {Generation} (hub generation {HubGeneration}); dropped")]
    private partial void LogStaleStatus(string cluster, string app, long generation, long hubGeneration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cluster {Cluster} application {App}: bundle {Hash} is missing from storage; re-sync the application to render it again")]
    private partial void LogMissingBundle(string cluster, string app, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record an event for cluster {Cluster}")]
    private partial void LogEventFailed(Exception exception, string cluster);
}
