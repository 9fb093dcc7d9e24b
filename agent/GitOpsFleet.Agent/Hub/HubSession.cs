using System.Threading.Channels;
using GitOpsFleet.Agent.State;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Kube.Watch;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent.Hub;

/// <summary>One open Connect stream: sends Hello, then status from the outbox and heartbeats; handles what the hub sends.</summary>
internal sealed partial class HubSession(
    AgentRunner runner,
    AgentService.AgentServiceClient client,
    ResourceManager manager,
    AgentStateStore store,
    ManagedObjectWatcher watcher,
    AgentCredential credential,
    string kubernetesVersion,
    Backoff backoff) : IAsyncDisposable
{
    private readonly Channel<AgentMessage> _outbox = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _sessionStop = new();
    private readonly ILogger _logger = runner.Logger;
    private Task? _writer;
    private Task? _heartbeat;
    private CancellationTokenSource? _linked;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Not disposed here: the writer and heartbeat loops run on this token until DisposeAsync.
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _sessionStop.Token);
        var token = _linked.Token;
        var headers = new Metadata { { "authorization", "Bearer " + credential.Credential } };
        using var call = client.Connect(headers, cancellationToken: token);

        var hello = new Hello
        {
            ClusterName = credential.ClusterName,
            AgentVersion = AgentRunner.AgentVersion,
            ProtocolVersion = AgentRunner.ProtocolVersion,
            KubernetesVersion = kubernetesVersion,
        };
        foreach (var worker in runner.Workers.Values)
        {
            hello.AppliedGenerations[worker.App] = worker.Generation;
        }
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello }, token).ConfigureAwait(false);
        _writer = WriteLoopAsync(call.RequestStream, token);

        await foreach (var message in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
        {
            switch (message.BodyCase)
            {
                case HubMessage.BodyOneofCase.Welcome:
                    OnWelcome(message.Welcome, token);
                    break;
                case HubMessage.BodyOneofCase.Desired:
                    await OnDesiredAsync(message.Desired, token).ConfigureAwait(false);
                    break;
                case HubMessage.BodyOneofCase.Remove:
                    await OnRemoveAsync(message.Remove, token).ConfigureAwait(false);
                    break;
                case HubMessage.BodyOneofCase.Command:
                    OnCommand(message.Command, token);
                    break;
                case HubMessage.BodyOneofCase.RotateCredential:
                    await OnRotateCredentialAsync(message.RotateCredential, token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private void OnWelcome(Welcome welcome, CancellationToken token)
    {
        backoff.Reset();
        runner.AttachOutbox(_outbox);
        LogConnected(welcome.ClusterName, welcome.HeartbeatSeconds);
        var wanted = welcome.Applications.ToHashSet(StringComparer.Ordinal);
        foreach (var worker in runner.Workers.Values)
        {
            var known = wanted.Contains(worker.App);
            if (!known)
            {
                LogNotKnownToHub(worker.App);
            }
            worker.SetKnownToHub(known);
            worker.RequestFullStatus();
        }
        if (welcome.HeartbeatSeconds > 0 && _heartbeat is null)
        {
            _heartbeat = HeartbeatLoopAsync(TimeSpan.FromSeconds(welcome.HeartbeatSeconds), token);
        }
    }

    private async Task OnDesiredAsync(Desired desired, CancellationToken token)
    {
        var worker = runner.GetWorker(desired.App, manager, watcher);
        if (desired.Generation <= worker.Generation)
        {
            LogStaleDesired(desired.App, desired.Generation, worker.Generation);
            worker.RequestFullStatus();
            return;
        }
        try
        {
            BundleCodec.Decompress(desired.CompressedBundle);
        }
        catch (Exception ex) when (ex is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // A bad bundle fails this application alone; the stream and the last good state stay.
            _outbox.Writer.TryWrite(new AgentMessage
            {
                Status = new AppStatus
                {
                    App = desired.App,
                    Generation = desired.Generation,
                    Revision = desired.Revision,
                    Sync = SyncStatus.OutOfSync,
                    Phase = OperationPhase.Failed,
                    Message = $"bundle of {desired.App} generation {desired.Generation} could not be read: {ex.Message}",
                    ObservedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                },
            });
            return;
        }
        // Stored before it is applied, so a restart in the middle resumes it without the hub.
        await store.SaveDesiredAsync(desired, token).ConfigureAwait(false);
        if (worker.TrySetDesired(desired))
        {
            LogDesiredReceived(desired.App, desired.Generation, desired.Revision);
        }
    }

    private async Task OnRemoveAsync(Remove remove, CancellationToken token)
    {
        await runner.RemoveWorkerAsync(remove.App).ConfigureAwait(false);
        var results = await manager.RemoveAsync(remove.App, remove.Prune, token).ConfigureAwait(false);
        await store.DeleteDesiredAsync(remove.App, token).ConfigureAwait(false);
        LogRemoved(remove.App, remove.Prune, results.Count(r => r.Action == ResourceAction.Pruned));
    }

    private async Task OnRotateCredentialAsync(CredentialRotation rotation, CancellationToken token)
    {
        // Stored first, acknowledged second: the hub drops the old credential on the acknowledgement, so
        // a crash in between leaves the agent holding one the hub still accepts (the new one: it counts).
        var rotated = credential with { Credential = rotation.Credential };
        await store.SaveCredentialAsync(rotated, token).ConfigureAwait(false);
        runner.OnCredentialRotated(rotated);
        _outbox.Writer.TryWrite(new AgentMessage { CredentialAck = new CredentialAck { RotationId = rotation.RotationId } });
        LogCredentialRotated(rotated.ClusterName, store.Namespace, AgentStateStore.CredentialSecretName);
    }

    private void OnCommand(Command command, CancellationToken token)
    {
        if (!runner.Workers.TryGetValue(command.App, out var worker))
        {
            if (command.Kind == CommandKind.Diff)
            {
                _outbox.Writer.TryWrite(new AgentMessage { Diff = new DiffResult { RequestId = command.RequestId, App = command.App, Error = $"application {command.App} is not on this cluster" } });
            }
            return;
        }
        switch (command.Kind)
        {
            case CommandKind.Sync:
                worker.RequestSync();
                break;
            case CommandKind.Refresh:
                worker.RequestRefresh();
                break;
            case CommandKind.PauseSelfHeal:
                worker.SetSelfHealPaused(true);
                break;
            case CommandKind.ResumeSelfHeal:
                worker.SetSelfHealPaused(false);
                break;
            case CommandKind.Diff:
                _ = Task.Run(async () =>
                {
                    var diff = await worker.DiffAsync(command.RequestId, token).ConfigureAwait(false);
                    _outbox.Writer.TryWrite(new AgentMessage { Diff = diff });
                }, token);
                break;
        }
    }

    private async Task WriteLoopAsync(IClientStreamWriter<AgentMessage> stream, CancellationToken token)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await stream.WriteAsync(message, token).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The stream broke: stop the session so the runner reconnects.
            await _sessionStop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan period, CancellationToken token)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                _outbox.Writer.TryWrite(new AgentMessage { Heartbeat = new Heartbeat { UnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        runner.AttachOutbox(null);
        _outbox.Writer.TryComplete();
        await _sessionStop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _writer, _heartbeat })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        _linked?.Dispose();
        _sessionStop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster}: the hub rotated the agent credential; stored in Secret {Namespace}/{Secret} and acknowledged")]
    private partial void LogCredentialRotated(string cluster, string @namespace, string secret);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the hub as {Cluster} (heartbeat every {Seconds} s)")]
    private partial void LogConnected(string cluster, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {App} is stored here but the hub did not list it and sent no Remove; it is kept and still applied")]
    private partial void LogNotKnownToHub(string app);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App} generation {Generation} (revision {Revision}) received")]
    private partial void LogDesiredReceived(string app, long generation, string revision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Application {App} generation {Generation} ignored: generation {Applied} is already applied")]
    private partial void LogStaleDesired(string app, long generation, long applied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App} removed (prune: {Prune}, {Deleted} objects deleted)")]
    private partial void LogRemoved(string app, bool prune, int deleted);
}
