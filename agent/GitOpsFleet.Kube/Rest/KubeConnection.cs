using System.Net.Http.Headers;

namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// Where and how to reach one API server: its base URL (path prefix included), an HttpClient that
/// already trusts the server's CA and presents the client certificate, and an optional bearer token.
/// Built by <see cref="KubeConnectionLoader"/> (kubeconfig, in-cluster) or, in the regular build, from a
/// KubernetesClient <c>k8s.Kubernetes</c> (<c>FromKubernetes</c>).
/// </summary>
public sealed partial class KubeConnection : IDisposable
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task>? _authenticate;
    private readonly IDisposable? _owned;

    /// <summary>A connection that sends <paramref name="bearerToken"/>'s token (when it gives one) on every request and disposes <paramref name="httpClient"/> with itself.</summary>
    public KubeConnection(Uri baseUri, HttpClient httpClient, Func<CancellationToken, ValueTask<string?>>? bearerToken = null)
        : this(baseUri, httpClient, bearerToken is null ? null : (request, ct) => AddBearerAsync(request, bearerToken, ct), httpClient)
    {
    }

    private KubeConnection(Uri baseUri, HttpClient httpClient, Func<HttpRequestMessage, CancellationToken, Task>? authenticate, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(httpClient);
        BaseUri = baseUri;
        HttpClient = httpClient;
        _authenticate = authenticate;
        _owned = owned;
    }

    /// <summary>The API server URL, including any path prefix.</summary>
    public Uri BaseUri { get; }

    /// <summary>The client for every request; TLS trust and client certificate are set on its handler.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>Adds the credentials (bearer token) to a request before it is sent.</summary>
    public Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => _authenticate is null ? Task.CompletedTask : _authenticate(request, cancellationToken);

    public void Dispose() => _owned?.Dispose();

    private static async Task AddBearerAsync(HttpRequestMessage request, Func<CancellationToken, ValueTask<string?>> bearerToken, CancellationToken cancellationToken)
    {
        if (await bearerToken(cancellationToken).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
