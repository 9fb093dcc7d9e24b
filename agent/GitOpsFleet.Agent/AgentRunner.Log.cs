using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent;

public sealed partial class AgentRunner
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Registered as cluster {Cluster}; credential stored in Secret {Namespace}/{Secret}")]
    private partial void LogRegistered(string cluster, string @namespace, string secret);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the credential stored in Secret {Namespace}/{Secret}")]
    private partial void LogCredentialReused(string @namespace, string secret);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration failed ({Status}: {Detail}); retrying. Check the join token and the --hub address")]
    private partial void LogRegisterFailed(StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hub rejected the stored credential ({Detail}); registering again with the join token")]
    private partial void LogCredentialRejected(string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the hub stream ({Status}: {Detail}); applications keep running from their stored desired state")]
    private partial void LogStreamLost(StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "The hub closed the stream")]
    private partial void LogStreamEnded();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting to the hub in {Delay}")]
    private partial void LogReconnecting(TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the Kubernetes API server ({Reason}); retrying. Check --kubeconfig or the service account")]
    private partial void LogClusterUnreachable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {App} generation {Generation} resumed from the stored desired state")]
    private partial void LogResumedFromStore(string app, long generation);
}
