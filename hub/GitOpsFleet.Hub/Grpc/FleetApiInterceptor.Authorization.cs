using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>Roles, expiry and project scoping, all from the one table in <see cref="FleetAuthorization"/>.</summary>
internal sealed partial class FleetApiInterceptor
{
    private async Task CheckPermissionAsync(ApiTokenRecord record, object request, ServerCallContext context)
    {
        if (record.ExpiresUnixMs > 0 && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= record.ExpiresUnixMs)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"API token {record.Id} expired at {DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresUnixMs):u}; ask an admin for a new one"));
        }
        var rule = FleetAuthorization.RuleFor(context.Method)
            ?? throw Denied($"{context.Method} has no row in the authorization table");
        if (!FleetAuthorization.RoleAllows(record.Role, rule))
        {
            var needs = rule.Permission == FleetPermission.Read && record.Role == ApiRoles.Project
                ? "a token that is not project-scoped (it is not about one project's applications)"
                : $"role {ApiRoles.Admin}";
            throw Denied($"token {record.Id} has role {record.Role}; {context.Method} needs {needs}");
        }
        if (record.Role == ApiRoles.Project && rule.Scope == FleetScope.Application)
        {
            await CheckProjectAsync(record, request, context.Method);
        }
        if (record.Role == ApiRoles.Project && rule.Scope == FleetScope.Project && ApplicationOf(request).Name != record.Project)
        {
            throw Denied($"{context.Method}: token {record.Id} is scoped to project {record.Project}; it reads no other project");
        }
    }

    /// <summary>A project token touches an application only when it is (and stays) in the token's project.</summary>
    private async Task CheckProjectAsync(ApiTokenRecord record, object request, string method)
    {
        var (name, requestedProject) = ApplicationOf(request);
        if (requestedProject is not null && requestedProject != record.Project)
        {
            throw Denied($"application {name} would be in project {requestedProject}; token {record.Id} is scoped to project {record.Project}");
        }
        if (!Names.IsDnsLabel(name))
        {
            // Not a name any application can have: the method itself answers InvalidArgument.
            return;
        }
        var existing = await grains.GetGrain<IApplicationGrain>(name).GetAsync(includeResources: false);
        if (existing is null ? requestedProject is null : existing.Spec.Project != record.Project)
        {
            // An unknown application reads the same as another project's: no names leak across projects.
            throw Denied($"{method}: application {name} is not in project {record.Project} (token {record.Id})");
        }
    }

    /// <summary>The application a request names, and the project it asks for (create/update only).</summary>
    private static (string Name, string? Project) ApplicationOf(object request)
    {
        if (request is CreateApplicationRequest create)
        {
            var project = create.Application?.Spec?.Project;
            return (create.Application?.Name ?? "", string.IsNullOrEmpty(project) ? "default" : project);
        }
        if (request is IMessage message && message.Descriptor.FindFieldByName("name") is { } field
            && field.Accessor.GetValue(message) is string name)
        {
            return (name, null);
        }
        return ("", null);
    }

    /// <summary>A project token sees its own project's applications in lists.</summary>
    private static TResponse ScopeResponse<TResponse>(TResponse response, ServerCallContext context)
    {
        if (response is ListApplicationsResponse list
            && context.UserState.TryGetValue(TokenKey, out var value) && value is ApiTokenRecord { Role: ApiRoles.Project } token)
        {
            var others = list.Applications.Where(a => a.Spec?.Project != token.Project).ToList();
            foreach (var other in others)
            {
                list.Applications.Remove(other);
            }
        }
        return response;
    }

    private static RpcException Denied(string message) => new(new Status(StatusCode.PermissionDenied, message));
}
