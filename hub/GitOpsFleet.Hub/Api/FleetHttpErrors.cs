using System.Text.Json.Nodes;
using Grpc.Core;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// Errors of the JSON API in the shape transcoded calls answer with (google.rpc.Status JSON:
/// <c>{"code": gRPC code, "message": "...", "details": []}</c>), so every /api/v1 error reads alike.
/// </summary>
internal static class FleetHttpErrors
{
    /// <summary>The HTTP status for a gRPC status, as JSON transcoding maps it (google.rpc.Code's table).</summary>
    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes the error for a gRPC status; the response must not have started.</summary>
    public static Task WriteAsync(HttpContext http, Status status) =>
        WriteAsync(http, HttpStatus(status.StatusCode), status.StatusCode, status.Detail);

    /// <summary>Writes an error with an explicit HTTP status (413 and the like have no gRPC twin).</summary>
    public static async Task WriteAsync(HttpContext http, int httpStatus, StatusCode code, string message)
    {
        http.Response.StatusCode = httpStatus;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(Json(code, message), http.RequestAborted);
    }

    /// <summary>The error body: <c>{"code":N,"message":"...","details":[]}</c>.</summary>
    public static string Json(StatusCode code, string message)
    {
        var error = new JsonObject
        {
            ["code"] = (int)code,
            ["message"] = message,
            ["details"] = new JsonArray(),
        };
        return error.ToJsonString();
    }
}
