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
        await AuthorizeAsync(request, context);
        try
        {
            return ScopeResponse(await continuation(request, context), context);
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
        await AuthorizeAsync(request, context);
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

    private async Task AuthorizeAsync(object request, ServerCallContext context)
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
        await CheckPermissionAsync(record, request, context);
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
        if (StorageFailure(ex) is { } storage)
        {
            // The store (SQLite file, Redis) failed; the grain re-reads its state on the next call, so this is transient.
            LogStorageFailed(ex, method);
            var store = storage.InnerException ?? storage;
            return new RpcException(new Status(StatusCode.Unavailable,
                $"{method} failed because the hub's storage failed ({FirstLine(storage.Message)}: {store.GetType().Name}: {FirstLine(store.Message)}); " +
                "the call can be retried"));
        }
        LogUnexpected(ex, method);
        return new RpcException(new Status(StatusCode.Internal, $"{method} failed: {ex.Message}"));
    }

    /// <summary>
    /// The OrleansException with which Orleans' StateStorageBridge wraps a failed read, write or clear of grain state
    /// ("Error from storage provider NAME.STATE during WriteStateAsync for grain ID", the store's exception inside).
    /// An ETag conflict (InconsistentStateException) is not wrapped and is not one.
    /// </summary>
    internal static Orleans.Runtime.OrleansException? StorageFailure(Exception? ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current.GetType() == typeof(Orleans.Runtime.OrleansException) && current.Message.StartsWith("Error from storage provider ", StringComparison.Ordinal))
            {
                return (Orleans.Runtime.OrleansException)current;
            }
        }
        return null;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r', '.', ' ');

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed because the hub's storage failed; answered Unavailable")]
    private partial void LogStorageFailed(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string method);
}
