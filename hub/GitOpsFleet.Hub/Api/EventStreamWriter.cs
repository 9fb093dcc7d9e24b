using System.Text;
using Google.Protobuf;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// Writes each watched event as one server-sent event: <c>id: {event id}</c>, <c>data: {protobuf JSON}</c>, a blank line.
/// </summary>
internal sealed class EventStreamWriter(HttpResponse response) : IServerStreamWriter<Event>, IDisposable
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly byte[] KeepAlive = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    // Events and heartbeats come from two loops; frames must not interleave.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Sends the SSE headers now (before any event), so the caller knows it is subscribed.</summary>
    public static async Task StartAsync(HttpResponse response)
    {
        if (response.HasStarted)
        {
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx buffer responses unless told not to; an event stream must not wait.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    public Task WriteAsync(Event message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(Event message, CancellationToken cancellationToken)
    {
        await StartAsync(response);
        // Protobuf JSON is one line (no indentation), so one "data:" line holds it.
        await WriteFrameAsync(Encoding.UTF8.GetBytes($"id: {message.Id}\ndata: {Formatter.Format(message)}\n\n"), cancellationToken);
    }

    /// <summary>Sends a comment line every <paramref name="interval"/> once the stream has started, until cancelled.</summary>
    public async Task RunHeartbeatAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (response.HasStarted)
                {
                    await WriteFrameAsync(KeepAlive, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The stream ended or the client left: the watch itself notices and ends.
        }
    }

    /// <summary>Ends a started stream with an <c>event: error</c> carrying the status as JSON.</summary>
    public async Task WriteErrorAsync(Status status, CancellationToken cancellationToken)
    {
        var error = FleetHttpErrors.Json(status.StatusCode, status.Detail);
        await WriteFrameAsync(Encoding.UTF8.GetBytes($"event: error\ndata: {error}\n\n"), cancellationToken);
    }

    public void Dispose() => _gate.Dispose();

    private async Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await response.Body.WriteAsync(frame, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
