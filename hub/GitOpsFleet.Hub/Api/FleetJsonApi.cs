using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using Grpc.Core;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// JSON over HTTP under /api/v1 on the HTTP port: each endpoint runs the matching FleetService method
/// in-process through <see cref="FleetApiInterceptor"/>, so tokens, roles and project scopes are the
/// gRPC ones. Bodies are protobuf JSON (camelCase field names); errors are problem JSON.
/// </summary>
internal static class FleetJsonApi
{
    private const string Service = "/gitopsfleet.fleet.v1.FleetService/";

    private static readonly JsonFormatter Formatter = JsonFormatter.Default;

    public static IEndpointRouteBuilder MapFleetJsonApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/clusters", (HttpContext http, string? selector) =>
            CallAsync(http, "ListClusters", new ListClustersRequest { Selector = selector ?? "" }, (s, r, c) => s.ListClusters(r, c)));
        // The typed argument keeps this a route handler (its IResult is written), not a bare RequestDelegate.
        endpoints.MapGet("/api/v1/applications", (HttpContext http, CancellationToken _) =>
            CallAsync(http, "ListApplications", new ListApplicationsRequest(), (s, r, c) => s.ListApplications(r, c)));
        endpoints.MapGet("/api/v1/applications/{name}", (HttpContext http, string name, bool? resources) =>
            CallAsync(http, "GetApplication", new GetApplicationRequest { Name = name, Resources = resources ?? false }, (s, r, c) => s.GetApplication(r, c)));
        endpoints.MapPost("/api/v1/applications/{name}:sync", (HttpContext http, string name) =>
            CallAsync(http, "SyncApplication", new SyncApplicationRequest { Name = name }, (s, r, c) => s.SyncApplication(r, c)));
        return endpoints;
    }

    private static async Task<IResult> CallAsync<TRequest, TResponse>(HttpContext http, string method, TRequest request,
        Func<FleetServiceImpl, TRequest, ServerCallContext, Task<TResponse>> call)
        where TRequest : class
        where TResponse : class, IMessage
    {
        var headers = new Metadata();
        if (http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            headers.Add("authorization", authorization);
        }
        var context = new LocalCallContext(Service + method, http.Request.Host.Value ?? "",
            http.Connection.RemoteIpAddress?.ToString() ?? "", headers, http.RequestAborted);
        var services = http.RequestServices;
        var interceptor = ActivatorUtilities.CreateInstance<FleetApiInterceptor>(services);
        var service = ActivatorUtilities.CreateInstance<FleetServiceImpl>(services);
        try
        {
            var response = await interceptor.UnaryServerHandler(request, context, (r, c) => call(service, r, c));
            return Results.Text(Formatter.Format(response), "application/json");
        }
        catch (RpcException ex)
        {
            return Problem(ex.Status, method);
        }
    }

    private static IResult Problem(Status status, string method)
    {
        var code = status.StatusCode switch
        {
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.Aborted => StatusCodes.Status409Conflict,
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => StatusCodes.Status503ServiceUnavailable,
            StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status400BadRequest,
        };
        return Results.Problem(detail: status.Detail, statusCode: code, title: $"{method}: {status.StatusCode}");
    }
}
