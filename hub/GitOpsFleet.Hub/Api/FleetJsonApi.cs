using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// JSON over HTTP under /api/v1. Every unary FleetService method is served by gRPC JSON transcoding from
/// fleet.proto's google.api.http paths (through <see cref="FleetApiInterceptor"/>, so tokens, roles and project
/// scopes are the gRPC ones). This adds what transcoding does not: the event stream as server-sent events,
/// the OpenAPI document, and <see cref="FleetJsonRequestGuard"/> (413 for large bodies, 400 for unknown fields).
/// </summary>
internal static class FleetJsonApi
{
    internal const string WatchEventsPath = "/api/v1/events:watch";
    internal const string OpenApiPath = "/api/v1/openapi.json";
    private const string Service = "/gitopsfleet.fleet.v1.FleetService/";

    public static WebApplication MapFleetJsonApi(this WebApplication app)
    {
        app.Use(FleetJsonRequestGuard.InvokeAsync);
        app.MapGet(WatchEventsPath, (HttpContext http) => WatchEventsAsync(http));
        app.MapGet(OpenApiPath, () => Results.Text(FleetOpenApi.Document, "application/json"));
        return app;
    }

    /// <summary>
    /// GET /api/v1/events:watch[?object=cluster/NAME]: WatchEvents as text/event-stream, one event per message.
    /// Errors before the stream starts are JSON errors with their HTTP status; later ones end it with an "error" event.
    /// </summary>
    private static async Task WatchEventsAsync(HttpContext http)
    {
        var request = new WatchEventsRequest { Object = http.Request.Query["object"].ToString() };
        var context = CallContext(http, "WatchEvents", () => EventStreamWriter.StartAsync(http.Response));
        var interceptor = ActivatorUtilities.CreateInstance<FleetApiInterceptor>(http.RequestServices);
        var service = ActivatorUtilities.CreateInstance<FleetServiceImpl>(http.RequestServices);
        using var writer = new EventStreamWriter(http.Response);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var heartbeat = writer.RunHeartbeatAsync(
            http.RequestServices.GetService<IOptions<FleetJsonApiOptions>>()?.Value.EventStreamHeartbeat ?? new FleetJsonApiOptions().EventStreamHeartbeat,
            stop.Token);
        try
        {
            await interceptor.ServerStreamingServerHandler(request, writer, context, service.WatchEvents);
        }
        catch (RpcException ex) when (!http.Response.HasStarted)
        {
            await FleetHttpErrors.WriteAsync(http, ex.Status);
        }
        catch (RpcException ex)
        {
            await writer.WriteErrorAsync(ex.Status, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The watcher left.
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>A call context for running a FleetService method in-process for an HTTP request.</summary>
    private static LocalCallContext CallContext(HttpContext http, string method, Func<Task>? writeResponseHeaders = null)
    {
        var headers = new Metadata();
        if (http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            headers.Add("authorization", authorization);
        }
        return new LocalCallContext(Service + method, http.Request.Host.Value ?? "",
            http.Connection.RemoteIpAddress?.ToString() ?? "", headers, http.RequestAborted, writeResponseHeaders);
    }
}
