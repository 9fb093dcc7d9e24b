using System.Net;

namespace GitOpsFleet.Kube.Rest;

/// <summary>An error answer from the Kubernetes API server, with its status reason and message.</summary>
public sealed class KubeApiException(HttpStatusCode statusCode, string reason, string message)
    : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The Status reason (Conflict, NotFound, Invalid, ...) or the HTTP status name.</summary>
    public string Reason { get; } = reason;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
}
