using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Agent;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

/// <summary>The agent protocol: registration with a join token, then one long-lived stream per cluster.</summary>
internal sealed partial class AgentServiceImpl(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<AgentServiceImpl> logger)
    : AgentService.AgentServiceBase
{
    /// <summary>How often agents are asked to send a heartbeat.</summary>
    internal const int HeartbeatSeconds = 15;

    internal const uint ProtocolVersion = 1;

    /// <summary>How long a new stream may take to send Hello.</summary>
    internal static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(30);

    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        if (!Names.IsDnsLabel(request.ClusterName))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"cluster_name: '{request.ClusterName}' is not a valid DNS label (lower-case letters, digits and '-', at most 63)"));
        }
        if (string.IsNullOrEmpty(request.JoinToken))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "join_token: missing; create one with `fleet cluster join-token create`"));
        }
        var check = await grains.JoinTokens().ConsumeAsync(Secrets.Hash(request.JoinToken), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (!check.Valid)
        {
            LogRegistrationRefused(request.ClusterName, check.Reason);
            throw new RpcException(new Status(StatusCode.PermissionDenied, check.Reason));
        }
        // Labels the token carries win over what the agent asks for: the token is the hub's word.
        var labels = new Dictionary<string, string>(request.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in check.Labels)
        {
            labels[key] = value;
        }
        var credential = Secrets.NewClusterCredential(request.ClusterName);
        var outcome = await grains.GetGrain<IClusterGrain>(request.ClusterName).RegisterAsync(
            new ClusterRegistration(Secrets.Hash(credential), labels, request.KubernetesVersion, request.AgentVersion) { RequireApproval = check.RequireApproval });
        if (outcome == RegistrationOutcome.NameTaken)
        {
            await grains.JoinTokens().ReleaseAsync(check.TokenId);
            LogRegistrationRefused(request.ClusterName, "name taken");
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                $"cluster {request.ClusterName} is already registered; pick another --cluster-name or remove it with `fleet cluster remove {request.ClusterName}`"));
        }
        LogRegistered(request.ClusterName, check.TokenId);
        var response = new RegisterResponse { ClusterName = request.ClusterName, Credential = credential };
        response.Labels.Add(labels);
        return response;
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var clusterName = await AuthenticateAsync(context);
        var cluster = grains.GetGrain<IClusterGrain>(clusterName);
        using (var helloDeadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
        {
            // A stream that never says Hello must not hold a request forever.
            helloDeadline.CancelAfter(HelloTimeout);
            if (!await requestStream.MoveNext(helloDeadline.Token) || requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message on Connect must be Hello"));
            }
        }
        var hello = requestStream.Current.Hello;
        if (hello.ClusterName.Length > 0 && hello.ClusterName != clusterName)
        {
            // The stream belongs to the credential's cluster, whatever the message says.
            LogForeignName(clusterName, hello.ClusterName);
        }

        var session = new AgentSession();
        var observer = grains.CreateObjectReference<IAgentSessionObserver>(session);
        // The stream ends when the agent leaves, the hub closes the session, or the hub shuts down.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Closed, lifetime.ApplicationStopping);
        try
        {
            var attach = await cluster.AttachAsync(session.Id, observer,
                new AgentHello(hello.AgentVersion, hello.KubernetesVersion, new Dictionary<string, long>(hello.AppliedGenerations)));
            var welcome = new Welcome { ClusterName = clusterName, ProtocolVersion = ProtocolVersion, HeartbeatSeconds = HeartbeatSeconds };
            welcome.Applications.AddRange(attach.Applications);
            session.Start(new HubMessage { Welcome = welcome },
                attach.Desired.Select(d => d.ToProto()).Concat(attach.Removals.Select(r => r.ToProto())));
            LogConnected(clusterName, attach.Desired.Count);
            if (attach.RotateCredential)
            {
                // Asked while the agent was away: mint now (plaintext is never stored) and send it on this stream.
                var credential = Secrets.NewClusterCredential(clusterName);
                await cluster.RotateCredentialAsync(Secrets.Hash(credential), credential, revokeOldNow: false);
            }

            var writer = WriteOutboxAsync(session, responseStream, stop.Token);
            try
            {
                await ReadAgentAsync(clusterName, cluster, session, observer, requestStream, stop.Token);
            }
            finally
            {
                session.Complete();
                await writer;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The agent went away or the hub closed the session: a normal end.
        }
        finally
        {
            try
            {
                await cluster.DetachAsync(session.Id);
            }
            catch (Exception ex)
            {
                LogDetachFailed(ex, clusterName);
            }
            grains.DeleteObjectReference<IAgentSessionObserver>(observer);
            LogDisconnected(clusterName, session.CloseReason ?? "stream ended");
        }
    }

    private async Task<string> AuthenticateAsync(ServerCallContext context)
    {
        var credential = Secrets.BearerToken(context.RequestHeaders);
        var clusterName = credential is null ? null : Secrets.ClusterOfCredential(credential);
        if (credential is null || clusterName is null || !Names.IsDnsLabel(clusterName)
            || !await grains.GetGrain<IClusterGrain>(clusterName).VerifyCredentialAsync(Secrets.Hash(credential)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "agent credential missing or not valid; register the agent again with a new join token"));
        }
        return clusterName;
    }

    private static async Task WriteOutboxAsync(AgentSession session, IServerStreamWriter<HubMessage> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in session.Outbox.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream ended under us; the reader side notices and detaches.
        }
    }

    private async Task ReadAgentAsync(string clusterName, IClusterGrain cluster, AgentSession session, IAgentSessionObserver observer,
        IAsyncStreamReader<AgentMessage> requestStream, CancellationToken cancellationToken)
    {
        // Each kind of failure is logged once per stream, so a misbehaving agent cannot flood the log.
        var loggedFailures = new HashSet<string>(StringComparer.Ordinal);
        while (await requestStream.MoveNext(cancellationToken))
        {
            var message = requestStream.Current;
            try
            {
                switch (message.BodyCase)
                {
                    case AgentMessage.BodyOneofCase.Status:
                        await cluster.ReportStatusAsync(session.Id, message.Status.ToModel());
                        break;
                    case AgentMessage.BodyOneofCase.Heartbeat:
                        await cluster.HeartbeatAsync(session.Id, observer);
                        break;
                    case AgentMessage.BodyOneofCase.CredentialAck:
                        await cluster.AcknowledgeCredentialAsync(session.Id, message.CredentialAck.RotationId);
                        break;
                    case AgentMessage.BodyOneofCase.Diff:
                        LogDiffIgnored(clusterName, message.Diff.App);
                        break;
                    default:
                        LogUnexpectedMessage(clusterName, message.BodyCase.ToString());
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bad message is skipped; the stream and the hub carry on.
                if (loggedFailures.Add($"{message.BodyCase}:{ex.GetType().Name}"))
                {
                    LogBadMessage(ex, clusterName, message.BodyCase.ToString());
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {Cluster} registered with join token {TokenId}")]
    private partial void LogRegistered(string cluster, string tokenId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration of cluster {Cluster} refused: {Reason}")]
    private partial void LogRegistrationRefused(string cluster, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent of cluster {Cluster} connected; {Desired} application(s) to catch up")]
    private partial void LogConnected(string cluster, int desired);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent of cluster {Cluster} disconnected: {Reason}")]
    private partial void LogDisconnected(string cluster, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent of cluster {Cluster} says it is {Claimed}; the credential decides which cluster it is")]
    private partial void LogForeignName(string cluster, string claimed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent of cluster {Cluster}: could not handle a {Kind} message; skipped")]
    private partial void LogBadMessage(Exception exception, string cluster, string kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent of cluster {Cluster}: unexpected {Kind} message ignored")]
    private partial void LogUnexpectedMessage(string cluster, string kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent of cluster {Cluster}: diff result for {App} ignored (diff is not served yet)")]
    private partial void LogDiffIgnored(string cluster, string app);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark cluster {Cluster} disconnected")]
    private partial void LogDetachFailed(Exception exception, string cluster);
}
