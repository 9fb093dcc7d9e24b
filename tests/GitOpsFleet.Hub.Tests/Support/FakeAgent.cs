using GitOpsFleet.Protos.Agent;
using Grpc.Core;

namespace GitOpsFleet.Hub.Tests.Support;

/// <summary>Plays an agent over real gRPC: sends Hello and status, records what the hub sends.</summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, HubMessage> _call;
    private readonly System.Threading.Channels.Channel<HubMessage> _received = System.Threading.Channels.Channel.CreateUnbounded<HubMessage>();
    private readonly Task _pump;

    private FakeAgent(AsyncDuplexStreamingCall<AgentMessage, HubMessage> call)
    {
        _call = call;
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync())
                {
                    await _received.Writer.WriteAsync(message);
                }
                _received.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _received.Writer.TryComplete(ex);
            }
        });
    }

    public static async Task<FakeAgent> ConnectAsync(AgentService.AgentServiceClient client, string credential, string cluster,
        IReadOnlyDictionary<string, long>? applied = null)
    {
        var call = client.Connect(new Metadata { { "authorization", $"Bearer {credential}" } });
        var hello = new Hello { ClusterName = cluster, AgentVersion = "test", ProtocolVersion = 1, KubernetesVersion = "v1.32.0" };
        foreach (var (app, generation) in applied ?? new Dictionary<string, long>())
        {
            hello.AppliedGenerations[app] = generation;
        }
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello });
        }
        catch (RpcException)
        {
            // The hub already ended the call (e.g. a refused credential); NextAsync reports its status.
        }
        return new FakeAgent(call);
    }

    /// <summary>The next message from the hub, or a TimeoutException.</summary>
    public async Task<HubMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the hub sent nothing in time");
        }
        catch (System.Threading.Channels.ChannelClosedException closed) when (closed.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(closed.InnerException);
            throw;
        }
    }

    public Task SendAsync(AgentMessage message) => _call.RequestStream.WriteAsync(message);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (InvalidOperationException)
        {
            // Already completed.
        }
        _call.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception)
        {
            // The stream was cancelled by Dispose.
        }
    }
}
