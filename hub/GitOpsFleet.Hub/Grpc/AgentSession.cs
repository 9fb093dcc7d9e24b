using System.Threading.Channels;
using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>
/// One agent stream on this silo. The cluster grain pushes to it as a grain observer; the
/// Connect handler drains <see cref="Outbox"/> into the gRPC response stream.
/// </summary>
internal sealed class AgentSession : IAgentSessionObserver
{
    private readonly Channel<HubMessage> _outbox = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<HubMessage> _early = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closed = new();
    private bool _started;

    public Guid Id { get; } = Guid.NewGuid();

    public ChannelReader<HubMessage> Outbox => _outbox.Reader;

    /// <summary>Cancelled when the hub ends this session.</summary>
    public CancellationToken Closed => _closed.Token;

    public string? CloseReason { get; private set; }

    /// <summary>Queues Welcome and the catch-up messages first, then anything pushed meanwhile.</summary>
    public void Start(HubMessage welcome, IEnumerable<HubMessage> catchUp)
    {
        lock (_gate)
        {
            _outbox.Writer.TryWrite(welcome);
            foreach (var message in catchUp.Concat(_early))
            {
                _outbox.Writer.TryWrite(message);
            }
            _early.Clear();
            _started = true;
        }
    }

    public void Complete() => _outbox.Writer.TryComplete();

    public Task OnDesiredAsync(DesiredApp desired) => Enqueue(desired.ToProto());

    public Task OnRemoveAsync(RemoveApp remove) => Enqueue(remove.ToProto());

    public Task OnCommandAsync(string app, AgentCommandKind kind, string requestId) =>
        Enqueue(new HubMessage { Command = new Command { App = app, Kind = (CommandKind)(int)kind, RequestId = requestId } });

    public Task OnRotateCredentialAsync(string rotationId, string credential) =>
        Enqueue(new HubMessage { RotateCredential = new CredentialRotation { RotationId = rotationId, Credential = credential } });

    public Task OnClosedAsync(string reason)
    {
        CloseReason = reason;
        _outbox.Writer.TryComplete();
        _closed.Cancel();
        return Task.CompletedTask;
    }

    private Task Enqueue(HubMessage message)
    {
        lock (_gate)
        {
            if (_started)
            {
                _outbox.Writer.TryWrite(message);
            }
            else
            {
                _early.Add(message);
            }
        }
        return Task.CompletedTask;
    }
}
