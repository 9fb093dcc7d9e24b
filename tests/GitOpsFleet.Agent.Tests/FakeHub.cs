using System.Collections.Concurrent;
using System.Net;
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

namespace GitOpsFleet.Agent.Tests;

/// <summary>A minimal in-test AgentService: registers with one join token, records what agents send, sends what the test queues.</summary>
public sealed class FakeHub : AgentService.AgentServiceBase, IAsyncDisposable
{
    public const string JoinToken = "join-ok";
    private readonly Channel<HubMessage> _toAgent = Channel.CreateUnbounded<HubMessage>();
    private readonly ConcurrentQueue<AgentMessage> _received = new();
    private readonly ConcurrentQueue<Hello> _hellos = new();
    private TaskCompletionSource _drop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public string Credential { get; } = "cred-" + Guid.NewGuid().ToString("N");

    /// <summary>A second credential Connect accepts (as the hub does for a rotated one).</summary>
    public string? RotatedCredential { get; set; }

    /// <summary>The credential each Connect presented, in order.</summary>
    public ConcurrentQueue<string> ConnectCredentials { get; } = new();

    public string Url { get; private set; } = "";

    public ConcurrentQueue<RegisterRequest> Registrations { get; } = new();

    public IReadOnlyList<Hello> Hellos => _hellos.ToList();

    public IReadOnlyList<AppStatus> Statuses => _received.Where(m => m.BodyCase == AgentMessage.BodyOneofCase.Status).Select(m => m.Status).ToList();

    public IReadOnlyList<AgentMessage> Received => _received.ToList();

    public static async Task<FakeHub> StartAsync()
    {
        var hub = new FakeHub();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(hub);
        var app = builder.Build();
        app.MapGrpcService<FakeHub>();
        await app.StartAsync();
        hub._app = app;
        hub.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return hub;
    }

    /// <summary>
    /// Applications Welcome lists; by default (null) those the test sent a Desired for and no Remove since,
    /// as the real hub does.
    /// </summary>
    public IReadOnlyList<string>? WelcomeApplications { get; set; }

    private readonly ConcurrentDictionary<string, bool> _sentApps = new(StringComparer.Ordinal);

    public void Send(HubMessage message)
    {
        if (message.BodyCase == HubMessage.BodyOneofCase.Desired)
        {
            _sentApps[message.Desired.App] = true;
        }
        else if (message.BodyCase == HubMessage.BodyOneofCase.Remove)
        {
            _sentApps.TryRemove(message.Remove.App, out _);
        }
        _toAgent.Writer.TryWrite(message);
    }

    /// <summary>Ends the current Connect call as a hub restart would.</summary>
    public void DropStream() => Interlocked.Exchange(ref _drop, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public override Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        Registrations.Enqueue(request);
        if (request.JoinToken != JoinToken)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "unknown join token"));
        }
        var response = new RegisterResponse { ClusterName = request.ClusterName, Credential = Credential };
        response.Labels.Add(request.Labels);
        return Task.FromResult(response);
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var presented = context.RequestHeaders.GetValue("authorization") ?? "";
        ConnectCredentials.Enqueue(presented.Replace("Bearer ", "", StringComparison.Ordinal));
        if (presented != "Bearer " + Credential && (RotatedCredential is null || presented != "Bearer " + RotatedCredential))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "bad credential"));
        }
        var drop = _drop.Task;
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello must come first"));
        }
        _hellos.Enqueue(requestStream.Current.Hello);
        var welcome = new Welcome { ClusterName = requestStream.Current.Hello.ClusterName, ProtocolVersion = 1, HeartbeatSeconds = 1 };
        welcome.Applications.AddRange(WelcomeApplications ?? _sentApps.Keys.Order(StringComparer.Ordinal).ToList());
        await responseStream.WriteAsync(new HubMessage { Welcome = welcome });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await requestStream.MoveNext(stop.Token))
                {
                    _received.Enqueue(requestStream.Current);
                }
            }
            catch (Exception)
            {
                // The call ended.
            }
        });
        try
        {
            while (true)
            {
                var next = _toAgent.Reader.WaitToReadAsync(stop.Token).AsTask();
                if (await Task.WhenAny(next, drop) == drop || !await next)
                {
                    return;
                }
                while (_toAgent.Reader.TryRead(out var message))
                {
                    await responseStream.WriteAsync(message, stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await stop.CancelAsync();
            await reader;
        }
    }

    /// <summary>Polls what the agents sent until <paramref name="match"/> holds.</summary>
    public async Task<T> WaitForAsync<T>(Func<FakeHub, T?> match, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (match(this) is { } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"timed out after {timeout} waiting for {what}; statuses seen: " +
            string.Join(" | ", Statuses.Select(s => $"{s.App} g{s.Generation} {s.Sync} {s.Health} {s.Phase} {s.Message}")));
    }

    public async ValueTask DisposeAsync()
    {
        _drop.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
