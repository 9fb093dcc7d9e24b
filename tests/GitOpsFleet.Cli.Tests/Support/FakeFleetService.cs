using System.Collections.Concurrent;
using Grpc.Core;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests.Support;

/// <summary>A FleetService that answers from canned data and records what it was sent.</summary>
internal sealed partial class FakeFleetService : FleetService.FleetServiceBase
{
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public ConcurrentQueue<Google.Protobuf.IMessage> Requests { get; } = new();

    public List<Cluster> Clusters { get; } = [];

    /// <summary>Answers GetApplication by call number (0-based); null means NotFound.</summary>
    public Func<int, Application?> Applications { get; set; } = _ => null;

    public int GetApplicationCalls => _getApplicationCalls;

    public Status? FailWith { get; set; }

    private int _getApplicationCalls;

    private void Record(Google.Protobuf.IMessage request, ServerCallContext context)
    {
        Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization") ?? string.Empty);
        Requests.Enqueue(request);
        if (FailWith is { } status) throw new RpcException(status);
    }

    public override Task<ListClustersResponse> ListClusters(ListClustersRequest request, ServerCallContext context)
    {
        Record(request, context);
        var response = new ListClustersResponse();
        response.Clusters.Add(Clusters);
        return Task.FromResult(response);
    }

    public override Task<JoinToken> CreateJoinToken(CreateJoinTokenRequest request, ServerCallContext context)
    {
        Record(request, context);
        var token = new JoinToken
        {
            Id = "jt-1",
            Token = "join-secret-123",
            ExpiresUnixMs = DateTimeOffset.UtcNow.AddSeconds(request.TtlSeconds).ToUnixTimeMilliseconds(),
            Reusable = request.Reusable,
            AgentCommand = "gitopsfleet-agent --hub http://hub:8081 --join-token join-secret-123 --cluster-name NAME",
            AgentManifests = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gitopsfleet-system\n",
        };
        token.Labels.Add(request.Labels);
        return Task.FromResult(token);
    }

    public override Task<Empty> RevokeJoinToken(RevokeJoinTokenRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(new Empty());
    }

    public override Task<Cluster> ApproveCluster(ApproveClusterRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(new Cluster { Name = request.Name });
    }

    public override Task<Cluster> GetCluster(GetClusterRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(Clusters.FirstOrDefault(c => c.Name == request.Name)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"cluster {request.Name} not found")));
    }

    public override Task<Cluster> RotateClusterCredential(RotateClusterCredentialRequest request, ServerCallContext context)
    {
        Record(request, context);
        var cluster = Clusters.FirstOrDefault(c => c.Name == request.Name)?.Clone() ?? new Cluster { Name = request.Name };
        cluster.CredentialRevoked = request.RevokeOldNow;
        cluster.CredentialRotationPending = !request.RevokeOldNow;
        return Task.FromResult(cluster);
    }

    public List<Event> Events { get; } = [];

    public override Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        Record(request, context);
        var response = new ListEventsResponse();
        response.Events.Add(Events.Where(e => request.Object.Length == 0 || e.Object == request.Object));
        return Task.FromResult(response);
    }

    /// <summary>One entry per WatchEvents call: the events it sends, then the status it ends with (null: stays open).</summary>
    public ConcurrentQueue<(Event[] Send, Status? End)> WatchScript { get; } = new();

    /// <summary>Sends the scripted events (or all <see cref="Events"/>), then ends as scripted or stays open like a real watch.</summary>
    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        Record(request, context);
        await context.WriteResponseHeadersAsync([]);
        var (send, end) = WatchScript.TryDequeue(out var step)
            ? step
            : ([.. Events.Where(e => request.Object.Length == 0 || e.Object == request.Object)], null);
        foreach (var e in send)
            await responseStream.WriteAsync(e, context.CancellationToken);
        if (end is { } status)
            throw new RpcException(status);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    public override Task<Repository> AddRepository(AddRepositoryRequest request, ServerCallContext context)
    {
        Record(request, context);
        var r = request.Repository.Clone();
        r.Password = string.Empty;
        return Task.FromResult(r);
    }

    public override Task<Application> CreateApplication(CreateApplicationRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(request.Application);
    }

    public override Task<Application> GetApplication(GetApplicationRequest request, ServerCallContext context)
    {
        Record(request, context);
        var call = Interlocked.Increment(ref _getApplicationCalls) - 1;
        var app = Applications(call) ?? throw new RpcException(new Status(StatusCode.NotFound, $"application {request.Name} not found"));
        return Task.FromResult(app);
    }

    public override Task<Empty> DeleteApplication(DeleteApplicationRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(new Empty());
    }

    /// <summary>The answer to GetApplicationManifests.</summary>
    public ApplicationManifests Manifests { get; set; } = new();

    public override Task<ApplicationManifests> GetApplicationManifests(GetApplicationManifestsRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(Manifests);
    }

    public override Task<Project> CreateProject(CreateProjectRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(request.Project);
    }

    public override Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
    {
        Record(request, context);
        return Task.FromResult(new ListProjectsResponse { Projects = { new Project { Name = "default", Spec = new ProjectSpec { AllowedKinds = { "*/*" } } } } });
    }
}
