namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// A bearer token read from a file and read again once a minute, as client-go does: kubelet rotates
/// projected service account tokens in place. A failed re-read keeps the last token.
/// </summary>
internal sealed class FileTokenSource(string path, TimeProvider? timeProvider = null)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _sync = new();
    private string? _token;
    private long _readAt;

    public string Path { get; } = path;

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_token is not null && _time.GetElapsedTime(_readAt) < RefreshAfter)
            {
                return _token;
            }
        }
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            lock (_sync)
            {
                return _token ?? throw new KubeConnectionException($"token file '{Path}' cannot be read: {ex.Message}", ex);
            }
        }
        lock (_sync)
        {
            _token = token;
            _readAt = _time.GetTimestamp();
            return token;
        }
    }
}
