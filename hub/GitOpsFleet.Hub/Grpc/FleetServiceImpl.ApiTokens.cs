using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>API tokens for people and scripts: admin, readonly, or scoped to one project.</summary>
internal sealed partial class FleetServiceImpl
{
    private static readonly string[] ApiTokenRoles = [ApiRoles.Admin, ApiRoles.ReadOnly, ApiRoles.Project];

    public override async Task<ApiToken> CreateApiToken(CreateApiTokenRequest request, ServerCallContext context)
    {
        if (!ApiTokenRoles.Contains(request.Role, StringComparer.Ordinal))
        {
            throw HubException.Invalid("role", $"'{request.Role}' is not one of {string.Join(", ", ApiTokenRoles)}");
        }
        if (request.Role == ApiRoles.Project)
        {
            RequireDnsLabel(request.Project, "project");
        }
        else if (request.Project.Length > 0)
        {
            throw HubException.Invalid("project", $"only a token with role {ApiRoles.Project} names a project (role is {request.Role})");
        }
        if (request.TtlSeconds < 0)
        {
            throw HubException.Invalid("ttl_seconds", $"{request.TtlSeconds} is negative; give a positive number of seconds or 0 for no expiry");
        }
        var token = $"gfa_{Secrets.NewSecret()}";
        var now = DateTimeOffset.UtcNow;
        var record = new ApiTokenRecord(Secrets.NewId(), Secrets.Hash(token), request.Role, request.Description, now.ToUnixTimeMilliseconds())
        {
            Project = request.Project,
            ExpiresUnixMs = request.TtlSeconds > 0 ? (now + TimeSpan.FromSeconds(request.TtlSeconds)).ToUnixTimeMilliseconds() : 0,
        };
        await grains.ApiTokens().CreateAsync(record);
        var reply = ApiTokenToProto(record);
        reply.Token = token;
        return reply;
    }

    public override async Task<ListApiTokensResponse> ListApiTokens(ListApiTokensRequest request, ServerCallContext context)
    {
        var reply = new ListApiTokensResponse();
        reply.Tokens.AddRange((await grains.ApiTokens().ListAsync()).Select(ApiTokenToProto));
        return reply;
    }

    public override async Task<Empty> RevokeApiToken(RevokeApiTokenRequest request, ServerCallContext context)
    {
        Require(request.Id, "id");
        if (!await grains.ApiTokens().RevokeAsync(request.Id))
        {
            throw HubException.NotFound($"API token {request.Id}");
        }
        return EmptyReply;
    }

    private static ApiToken ApiTokenToProto(ApiTokenRecord record) => new()
    {
        Id = record.Id,
        Role = record.Role,
        Project = record.Project,
        ExpiresUnixMs = record.ExpiresUnixMs,
        CreatedUnixMs = record.CreatedUnixMs,
        Description = record.Description,
    };
}
