using System.Collections.Concurrent;
using System.Threading.Channels;
using GitOpsFleet.Agent.Apps;
using GitOpsFleet.Agent.Hub;
using GitOpsFleet.Agent.State;
using GitOpsFleet.Kube;
using GitOpsFleet.Kube.Rest;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Kube.Watch;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent;

/// <summary>
/// Runs one agent until cancelled: registers (or reuses its stored credential), keeps the stream to the
/// hub open with backoff and full jitter, and hands each application to its worker. Losing the hub never
/// deletes anything; stored desired states keep being applied and healed offline.
/// </summary>
public sealed partial class AgentRunner : IHubOutbox
{
    public const string AgentVersion = "0.1.0";
    public const uint ProtocolVersion = 1;

    private readonly AgentOptions _options;
    private readonly KubeConnection _connection;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, AppWorker> _workers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = TimeProvider.System;
    private volatile Channel<AgentMessage>? _outbox;
    private AgentCredential? _rotatedCredential;

    /// <summary>An agent that talks to its cluster through <paramref name="connection"/> (the IKubernetes constructor is in AgentRunner.KubernetesClient.cs, regular build only).</summary>
    public AgentRunner(AgentOptions options, KubeConnection connection, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connection);
        options.Validate();
        _options = options;
        _connection = connection;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AgentRunner>();
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; throws only for settings that cannot work.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var manager = new ResourceManager(_connection, _options.Namespace, _time);
        // The watcher below tells the manager every change to what it applied, so applies skip the read first.
        manager.TrackLiveVersions();
        var store = new AgentStateStore(manager.Client, _options.Namespace);
        await using var watcher = new ManagedObjectWatcher(manager.Client,
            (app, key, eventType, resourceVersion) => OnManagedObjectChanged(manager, app, key, eventType, resourceVersion));
        using var hubs = new HubChannels(_options.HubUrls, _options.CaFile);
        var client = hubs.Current;
        try
        {
            var kubernetesVersion = await PrepareClusterAsync(manager, cancellationToken).ConfigureAwait(false);
            foreach (var desired in await store.LoadAllDesiredAsync(cancellationToken).ConfigureAwait(false))
            {
                // Offline first: keep applying what we were last told, hub or no hub.
                GetWorker(desired.App, manager, watcher).TrySetDesired(desired);
                LogResumedFromStore(desired.App, desired.Generation);
            }
            var credential = await EnsureCredentialAsync(client, store, kubernetesVersion, cancellationToken).ConfigureAwait(false);
            var backoff = new Backoff(_options.ReconnectBase, _options.ReconnectCap);
            while (!cancellationToken.IsCancellationRequested)
            {
                // A credential the hub rotated on the last stream is the one to connect with now.
                credential = Interlocked.Exchange(ref _rotatedCredential, null) ?? credential;
                try
                {
                    await using var session = new HubSession(this, client, manager, store, watcher, credential, kubernetesVersion, backoff);
                    await session.RunAsync(cancellationToken).ConfigureAwait(false);
                    LogStreamEnded();
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied && _options.JoinToken is not null)
                {
                    LogCredentialRejected(ex.Status.Detail);
                    credential = await RegisterAsync(client, store, kubernetesVersion, cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogStreamLost(ex.StatusCode, ex.Status.Detail);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // A broken write, an API server hiccup while storing state: reconnect, never crash.
                    LogStreamLost(StatusCode.Unavailable, ex.Message);
                }
                client = hubs.Next();
                var delay = backoff.Next();
                LogReconnecting(delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // Asked to stop: not an error.
        }
        finally
        {
            foreach (var worker in _workers.Values)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }
            _workers.Clear();
        }
    }

    bool IHubOutbox.TrySend(AgentMessage message) => _outbox?.Writer.TryWrite(message) ?? false;

    internal IReadOnlyDictionary<string, AppWorker> Workers => _workers;

    internal void AttachOutbox(Channel<AgentMessage>? outbox) => _outbox = outbox;

    /// <summary>The hub sent a new credential (already stored): the next connect uses it.</summary>
    internal void OnCredentialRotated(AgentCredential credential) => Interlocked.Exchange(ref _rotatedCredential, credential);

    internal AppWorker GetWorker(string app, ResourceManager manager, ManagedObjectWatcher watcher)
        => _workers.GetOrAdd(app, name =>
        {
            var worker = new AppWorker(name, manager, watcher, this, _options, _loggerFactory.CreateLogger<AppWorker>(), _time);
            worker.Start();
            return worker;
        });

    internal async Task RemoveWorkerAsync(string app)
    {
        if (_workers.TryRemove(app, out var worker))
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal ILogger Logger => _logger;

    internal AgentOptions Options => _options;

    private void OnManagedObjectChanged(ResourceManager manager, string app, Kube.ResourceKey key, string eventType, string? resourceVersion)
    {
        manager.NoteLiveVersion(key, eventType == "DELETED" ? null : resourceVersion);
        if (!_workers.TryGetValue(app, out var worker))
        {
            return;
        }
        // A controller reporting progress cannot be drift: reassess health only (no dry-run per object).
        if (eventType == ManagedObjectWatcher.StatusOnly)
        {
            worker.RequestHealthCheck(key);
        }
        else
        {
            worker.RequestDriftCheck(key, resourceVersion);
        }
    }

    private async Task<string> PrepareClusterAsync(ResourceManager manager, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.ReconnectBase, _options.ReconnectCap);
        while (true)
        {
            try
            {
                await manager.EnsureNamespaceAsync(_options.Namespace, cancellationToken).ConfigureAwait(false);
                return await manager.Client.GetServerVersionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogClusterUnreachable(ex.Message);
                await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<AgentCredential> EnsureCredentialAsync(AgentService.AgentServiceClient client, AgentStateStore store, string kubernetesVersion, CancellationToken cancellationToken)
    {
        var stored = await store.LoadCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.ClusterName == _options.ClusterName && (stored.Hub == _options.HubUrl || _options.JoinToken is null))
        {
            LogCredentialReused(_options.Namespace, AgentStateStore.CredentialSecretName);
            return stored;
        }
        if (_options.JoinToken is null)
        {
            throw new InvalidOperationException(
                $"No credential for cluster '{_options.ClusterName}' in Secret {_options.Namespace}/{AgentStateStore.CredentialSecretName} and no --join-token: create one on the hub with `fleet cluster join-token create` and pass it with --join-token.");
        }
        return await RegisterAsync(client, store, kubernetesVersion, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AgentCredential> RegisterAsync(AgentService.AgentServiceClient client, AgentStateStore store, string kubernetesVersion, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.ReconnectBase, _options.ReconnectCap);
        var request = new RegisterRequest
        {
            JoinToken = _options.JoinToken ?? "",
            ClusterName = _options.ClusterName,
            KubernetesVersion = kubernetesVersion,
            AgentVersion = AgentVersion,
        };
        request.Labels.Add(_options.Labels);
        while (true)
        {
            try
            {
                var response = await client.RegisterAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
                var credential = new AgentCredential(_options.HubUrl, string.IsNullOrEmpty(response.ClusterName) ? _options.ClusterName : response.ClusterName, response.Credential);
                await store.SaveCredentialAsync(credential, cancellationToken).ConfigureAwait(false);
                LogRegistered(credential.ClusterName, _options.Namespace, AgentStateStore.CredentialSecretName);
                return credential;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogRegisterFailed(ex.StatusCode, ex.Status.Detail);
                await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
