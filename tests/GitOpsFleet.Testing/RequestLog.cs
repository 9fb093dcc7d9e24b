namespace GitOpsFleet.Testing;

/// <summary>Records the method, path and query of every request that passes (an HttpClient handler), for tests that count round trips.</summary>
public sealed class RequestLog : DelegatingHandler
{
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> Snapshot()
    {
        lock (_requests)
        {
            return _requests.ToList();
        }
    }

    public void Clear()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
        }
        return base.SendAsync(request, cancellationToken);
    }
}
