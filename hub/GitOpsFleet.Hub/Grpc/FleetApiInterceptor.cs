using GitOpsFleet.Hub.Grains;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>
/// The FleetService boundary: checks the bearer API token and its role, and turns domain
/// errors into gRPC statuses (nowhere else does an exception become a status).
/// </summary>
internal sealed partial class FleetApiInterceptor(IGrainFactory grains, ILogger<FleetApiInterceptor> logger) : Interceptor
{
    internal const string TokenKey = "api-token";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw ToRpc(ex, context.Method);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher left.
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw ToRpc(ex, context.Method);
        }
    }

    /// <summary>Read-only methods: everything else needs the admin role.</summary>
    internal static bool IsReadOnly(string method)
    {
        var name = method[(method.LastIndexOf('/') + 1)..];
        return name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal)
            || name.StartsWith("Watch", StringComparison.Ordinal);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        var token = Secrets.BearerToken(context.RequestHeaders);
        if (token is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "missing 'authorization: Bearer <token>'; use the admin token the hub printed on first start"));
        }
        var record = await grains.ApiTokens().FindAsync(Secrets.Hash(token));
        if (record is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "API token not valid"));
        }
        if (record.Role != ApiRoles.Admin && !IsReadOnly(context.Method))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"token {record.Id} has role {record.Role}; {context.Method} needs {ApiRoles.Admin}"));
        }
        context.UserState[TokenKey] = record;
    }

    private RpcException ToRpc(Exception ex, string method)
    {
        if (ex is HubException hub)
        {
            var code = hub.Kind switch
            {
                HubErrorKind.NotFound => StatusCode.NotFound,
                HubErrorKind.AlreadyExists => StatusCode.AlreadyExists,
                HubErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
                _ => StatusCode.InvalidArgument,
            };
            return new RpcException(new Status(code, hub.Message));
        }
        LogUnexpected(ex, method);
        return new RpcException(new Status(StatusCode.Internal, $"{method} failed: {ex.Message}"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string method);
}
