using System.Collections.Concurrent;
using System.Threading.Channels;
using GitOpsFleet.Protos.Agent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Bench;

/// <summary>
/// The floor: a bare AgentService on Kestrel (h2c, loopback) with no Orleans, no storage, no
/// rendering. It holds every Connect stream and, on <see cref="Broadcast"/>, writes one Desired
/// message with a ready compressed bundle to each; it records when each stream's status comes back.
/// </summary>
internal sealed class FloorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FloorStreams _streams;

    private FloorServer(WebApplication app, FloorStreams streams, Uri address)
    {
        _app = app;
        _streams = streams;
        Address = address;
    }

    public Uri Address { get; }

    public int Connected => _streams.Outboxes.Count;

    public static async Task<FloorServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        var streams = new FloorStreams();
        builder.Services.AddSingleton(streams);
        var app = builder.Build();
        app.MapGrpcService<FloorAgentService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FloorServer(app, streams, new Uri(address));
    }

    /// <summary>Sends <paramref name="desired"/> to every connected stream; arrivals are keyed by cluster name.</summary>
    public ConcurrentDictionary<string, long> Broadcast(Desired desired)
    {
        _streams.Arrivals.Clear();
        _streams.Generation = desired.Generation;
        var message = new HubMessage { Desired = desired };
        foreach (var outbox in _streams.Outboxes.Values)
        {
            outbox.Writer.TryWrite(message);
        }
        return _streams.Arrivals;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var outbox in _streams.Outboxes.Values)
        {
            outbox.Writer.TryComplete();
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The open streams of the floor server and the arrival times of statuses.</summary>
internal sealed class FloorStreams
{
    public ConcurrentDictionary<string, Channel<HubMessage>> Outboxes { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, long> Arrivals { get; } = new(StringComparer.Ordinal);
    public long Generation { get; set; }
}

/// <summary>AgentService with nothing behind it: Hello in, Welcome out, then whatever the bench broadcasts.</summary>
internal sealed class FloorAgentService(FloorStreams streams) : AgentService.AgentServiceBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.Hello is not { } hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "send Hello first"));
        }
        var name = hello.ClusterName;
        var outbox = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleReader = true });
        await responseStream.WriteAsync(new HubMessage { Welcome = new Welcome { ClusterName = name, ProtocolVersion = 1 } });
        streams.Outboxes[name] = outbox;
        var reader = Task.Run(async () =>
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                if (requestStream.Current.Status is { } status && status.Generation == streams.Generation)
                {
                    streams.Arrivals.TryAdd(name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                }
            }
        }, context.CancellationToken);
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            streams.Outboxes.TryRemove(name, out _);
        }
        try
        {
            await reader;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
            // The client went away.
        }
    }
}
