using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>The fleet API (clusters and join tokens here; repositories, applications and events in the partial files).</summary>
internal sealed partial class FleetServiceImpl(IGrainFactory grains, IHostApplicationLifetime lifetime) : FleetService.FleetServiceBase
{
    /// <summary>Join token lifetime when the request names none.</summary>
    internal static readonly TimeSpan DefaultJoinTokenTtl = TimeSpan.FromHours(1);

    private static readonly Empty EmptyReply = new();

    public override async Task<JoinToken> CreateJoinToken(CreateJoinTokenRequest request, ServerCallContext context)
    {
        if (request.TtlSeconds < 0)
        {
            throw HubException.Invalid("ttl_seconds", $"{request.TtlSeconds} is negative; give a positive number of seconds or 0 for the default (1 hour)");
        }
        foreach (var key in request.Labels.Keys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw HubException.Invalid("labels", "a label key is empty");
            }
        }
        if (request.ClusterName.Length > 0)
        {
            RequireDnsLabel(request.ClusterName, "cluster_name");
        }
        var clusterName = request.ClusterName.Length > 0 ? request.ClusterName : AgentManifests.ClusterNamePlaceholder;
        var ttl = request.TtlSeconds > 0 ? TimeSpan.FromSeconds(request.TtlSeconds) : DefaultJoinTokenTtl;
        var id = Secrets.NewId();
        var token = $"gfj_{Secrets.NewSecret()}";
        var now = DateTimeOffset.UtcNow;
        var record = new JoinTokenRecord(id, Secrets.Hash(token), (now + ttl).ToUnixTimeMilliseconds(), request.Reusable,
            new Dictionary<string, string>(request.Labels), 0, false, now.ToUnixTimeMilliseconds()) { RequireApproval = request.RequireApproval };
        await grains.JoinTokens().CreateAsync(record);
        var reply = record.ToProto(AgentCommand(context, token, clusterName));
        reply.Token = token;
        reply.AgentManifests = AgentManifests.Render(HubUrl(context), token, clusterName);
        return reply;
    }

    public override async Task<ListJoinTokensResponse> ListJoinTokens(ListJoinTokensRequest request, ServerCallContext context)
    {
        var reply = new ListJoinTokensResponse();
        reply.Tokens.AddRange((await grains.JoinTokens().ListAsync()).Select(t => t.ToProto(AgentCommand(context, "TOKEN"))));
        return reply;
    }

    public override async Task<Empty> RevokeJoinToken(RevokeJoinTokenRequest request, ServerCallContext context)
    {
        Require(request.Id, "id");
        if (!await grains.JoinTokens().RevokeAsync(request.Id))
        {
            throw HubException.NotFound($"join token {request.Id}");
        }
        return EmptyReply;
    }

    public override async Task<ListClustersResponse> ListClusters(ListClustersRequest request, ServerCallContext context)
    {
        var selector = ParseSelector(request.Selector, "selector");
        var index = await grains.Index(IndexKeys.Clusters).ListAsync();
        var view = await ProjectView.ForAsync(grains, context);
        var infos = await Task.WhenAll(index.Where(c => Names.Matches(selector, c.Value) && (view?.AllowsCluster(c.Value) ?? true))
            .Select(c => grains.GetGrain<IClusterGrain>(c.Key).GetAsync()));
        var reply = new ListClustersResponse();
        reply.Clusters.AddRange(infos.OfType<ClusterInfo>().Select(info => info.ToProto()));
        return reply;
    }

    public override async Task<Cluster> GetCluster(GetClusterRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        var info = await grains.GetGrain<IClusterGrain>(request.Name).GetAsync();
        if (await ProjectView.ForAsync(grains, context) is { } view && (info is null || !view.AllowsCluster(info.Labels)))
        {
            // An unknown cluster reads the same as one outside the project: no names leak across projects.
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"cluster {request.Name} is not among the clusters project {view.ProjectName}'s destinations select"));
        }
        return (info ?? throw HubException.NotFound($"cluster {request.Name}")).ToProto();
    }

    public override async Task<Empty> RemoveCluster(RemoveClusterRequest request, ServerCallContext context)
    {
        RequireDnsLabel(request.Name, "name");
        if (!await grains.GetGrain<IClusterGrain>(request.Name).RemoveAsync())
        {
            throw HubException.NotFound($"cluster {request.Name}");
        }
        return EmptyReply;
    }

    /// <summary>The hub's gRPC address as the caller reached it (what an agent should dial).</summary>
    internal static string HubUrl(ServerCallContext context) => $"{HubScheme(context)}://{AgentHost(context)}";

    /// <summary>
    /// host:port an agent should dial: the caller's, with the gRPC port when the call came in on the HTTP
    /// port (the JSON API), since agents speak gRPC.
    /// </summary>
    private static string AgentHost(ServerCallContext context)
    {
        if (string.IsNullOrEmpty(context.Host))
        {
            return "HUB_HOST:8081";
        }
        try
        {
            var http = context.GetHttpContext();
            if (http.RequestServices.GetService<Api.HubPorts>() is { } ports && http.Connection.LocalPort == ports.Http)
            {
                return $"{new HostString(context.Host).Host}:{ports.Grpc}";
            }
        }
        catch (InvalidOperationException)
        {
            // A call made in-process (not over a socket) has no HTTP request to ask.
        }
        return context.Host;
    }

    /// <summary>"https" when the caller came over TLS (a hub with --tls-cert serves TLS on both ports).</summary>
    private static string HubScheme(ServerCallContext context)
    {
        try
        {
            return context.GetHttpContext().Request.IsHttps ? "https" : "http";
        }
        catch (InvalidOperationException)
        {
            // A call made in-process (not over a socket) has no HTTP request to ask.
            return "http";
        }
    }

    /// <summary>
    /// The exact command that starts an agent against this hub, as the caller reached it; without a cluster
    /// name it holds the placeholder and a trailing shell comment saying what to replace.
    /// </summary>
    internal static string AgentCommand(ServerCallContext context, string token, string clusterName = AgentManifests.ClusterNamePlaceholder)
    {
        var host = AgentHost(context);
        var scheme = HubScheme(context);
        // Over TLS the agent needs the CA that signed the hub's certificate (unless a public CA did).
        var caFile = scheme == "https" ? " --ca-file HUB_CA.pem" : "";
        var command = $"dotnet run --project agent/GitOpsFleet.Agent -- --hub {scheme}://{host}{caFile} --join-token {token} --cluster-name {clusterName}";
        return clusterName == AgentManifests.ClusterNamePlaceholder
            ? $"{command}  # replace {AgentManifests.ClusterNamePlaceholder} with this cluster's name (a DNS label)"
            : command;
    }

    internal static Dictionary<string, string> ParseSelector(string selector, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw HubException.Invalid(field, $"'{part}' is not key=value; write e.g. env=prod,region=eu");
            }
            result[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return result;
    }

    private static void Require(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw HubException.Invalid(field, "is required");
        }
    }

    private static void RequireDnsLabel(string value, string field)
    {
        Require(value, field);
        if (!Names.IsDnsLabel(value))
        {
            throw HubException.Invalid(field, $"'{value}' is not a valid name (lower-case letters, digits and '-', at most 63)");
        }
    }
}
