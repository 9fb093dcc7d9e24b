using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

internal sealed partial class ClusterGrain(
    [PersistentState("cluster")] IPersistentState<ClusterState> state,
    ILogger<ClusterGrain> logger) : Grain, IClusterGrain
{
    /// <summary>How often the liveness check runs while an agent is attached.</summary>
    internal static readonly TimeSpan LivenessPeriod = TimeSpan.FromSeconds(15);

    /// <summary>An agent silent this long (no heartbeat, no status) is taken as gone.</summary>
    internal static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(75);

    private IAgentSessionObserver? _observer;
    private Guid _sessionId;
    private IGrainTimer? _liveness;
    // Highest status generation seen per app since activation: replayed or reordered older ones are dropped.
    private readonly Dictionary<string, long> _lastStatusGeneration = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loggedUnknownApps = new(StringComparer.Ordinal);

    private string Name => this.GetPrimaryKeyString();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task<RegistrationOutcome> RegisterAsync(ClusterRegistration registration)
    {
        if (state.State.Exists)
        {
            // The name belongs to whoever holds its credential; a new registration would take it over
            // (unless that credential was revoked: then a new join token brings the cluster back).
            return state.State.CredentialRevoked ? await RejoinAfterRevocationAsync(registration) : RegistrationOutcome.NameTaken;
        }
        state.State.Exists = true;
        state.State.CredentialHash = registration.CredentialHash;
        state.State.Labels = new Dictionary<string, string>(registration.Labels, StringComparer.Ordinal);
        state.State.RegisteredUnixMs = Now;
        state.State.KubernetesVersion = registration.KubernetesVersion;
        state.State.AgentVersion = registration.AgentVersion;
        state.State.PendingApproval = registration.RequireApproval;
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Clusters).SetAsync(Name, state.State.Labels);
        await AppendEventAsync(EventTypes.ClusterRegistered, $"cluster {Name} registered with labels {FormatLabels(state.State.Labels)}");
        await NotifyApplicationsOfChangeAsync();
        return RegistrationOutcome.Registered;
    }


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
        DisarmLiveness();
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

    public async Task<long> SetDesiredAsync(DesiredSpec spec)
    {
        EnsureExists();
        if (state.State.Apps.TryGetValue(spec.App, out var entry) && !entry.Removed
            && entry.Revision == spec.Revision && entry.BundleHash == spec.BundleHash
            && entry.DefaultNamespace == spec.DefaultNamespace && entry.Options.SameAs(spec.Options))
        {
            return entry.Generation;
        }
        // A new entry starts its generations at the current time in ms: an agent that outlived the
        // hub's data (applied generation N from an old hub) still sees every new generation as newer.
        entry ??= new ClusterAppEntry { Generation = Now - 1 };
        entry.Generation++;
        entry.Revision = spec.Revision;
        entry.BundleHash = spec.BundleHash;
        entry.Options = spec.Options;
        entry.DefaultNamespace = spec.DefaultNamespace;
        entry.Removed = false;
        entry.Prune = false;
        state.State.Apps[spec.App] = entry;
        await state.WriteStateAsync();
        if (_observer is not null && !state.State.PendingApproval)
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
        if (_observer is not null && !state.State.PendingApproval)
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
        state.State.Apps.Where(a => !a.Value.Removed).Select(a => a.Key).Order(StringComparer.Ordinal).ToList())
    {
        PendingApproval = state.State.PendingApproval,
        CredentialRotationPending = state.State.RotationRequestedUnixMs > 0,
        CredentialRotatedUnixMs = state.State.CredentialRotatedUnixMs,
        CredentialRevoked = state.State.CredentialRevoked,
    };

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {Cluster}: nothing heard from its agent for {Seconds} s; closing the session (the agent reconnects on its own)")]
    private partial void LogSilent(string cluster, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record an event for cluster {Cluster}")]
    private partial void LogEventFailed(Exception exception, string cluster);
}
