using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Hosting;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Who an API call acts as, for rollout history and events: the API token the interceptor authenticated.</summary>
internal static class RolloutActor
{
    /// <summary>
    /// <c>admin</c> for the token the hub created on first start, else <c>token:DESCRIPTION</c> (<c>token:ID</c> when the
    /// token has no description). Grains get a plain string and never see gRPC.
    /// </summary>
    public static string Of(ServerCallContext context) =>
        context.UserState.TryGetValue(FleetApiInterceptor.TokenKey, out var value) && value is ApiTokenRecord token
            ? Of(token)
            : "api";

    public static string Of(ApiTokenRecord token) => token switch
    {
        { Role: ApiRoles.Admin, Description: HubStartup.InitialAdminDescription } => "admin",
        { Description.Length: > 0 } => $"token:{token.Description.Trim()}",
        _ => $"token:{token.Id}",
    };
}
