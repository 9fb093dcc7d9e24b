namespace GitOpsFleet.Kube.Tests.Integration;

/// <summary>Records the method and path of every request that passes, for tests that count round trips.</summary>
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
            _requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
        }
        return base.SendAsync(request, cancellationToken);
    }
}
