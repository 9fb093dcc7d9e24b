using Grpc.Core;

namespace GitOpsFleet.Hub.Api;

/// <summary>
/// A ServerCallContext for a FleetService call made in-process from an HTTP request, so the JSON API
/// goes through the same interceptor (token, role, project scope, error mapping) and service code as gRPC.
/// </summary>
internal sealed class LocalCallContext(string method, string host, string peer, Metadata requestHeaders, CancellationToken cancellationToken,
    Func<Task>? writeResponseHeaders = null)
    : ServerCallContext
{
    private readonly Metadata _responseTrailers = [];

    protected override string MethodCore => method;
    protected override string HostCore => host;
    protected override string PeerCore => peer;
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => requestHeaders;
    protected override CancellationToken CancellationTokenCore => cancellationToken;
    protected override Metadata ResponseTrailersCore => _responseTrailers;
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore => new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("calls from the JSON API do not propagate");

    /// <summary>A stream's "subscribed" signal: the event stream sends its HTTP headers here.</summary>
    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => writeResponseHeaders?.Invoke() ?? Task.CompletedTask;
}
