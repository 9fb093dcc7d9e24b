using System.Text;
using Google.Protobuf;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// Writes each watched event as one server-sent event: <c>id: {event id}</c>, <c>data: {protobuf JSON}</c>, a blank line.
/// </summary>
internal sealed class EventStreamWriter(HttpResponse response) : IServerStreamWriter<Event>
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

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
        var frame = Encoding.UTF8.GetBytes($"id: {message.Id}\ndata: {Formatter.Format(message)}\n\n");
        await response.Body.WriteAsync(frame, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Ends a started stream with an <c>event: error</c> carrying the status as JSON.</summary>
    public async Task WriteErrorAsync(Status status, CancellationToken cancellationToken)
    {
        var error = FleetHttpErrors.Json(status.StatusCode, status.Detail);
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: error\ndata: {error}\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
