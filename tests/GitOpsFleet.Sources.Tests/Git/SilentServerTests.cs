using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GitOpsFleet.Sources.Tests.Support;

namespace GitOpsFleet.Sources.Tests.Git;

/// <summary>A server that accepts connections and never answers must not hold a fetch (or its caller) forever.</summary>
public sealed class SilentServerTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];

    public SilentServerTests()
    {
        _listener.Start();
        _ = AcceptForeverAsync();
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted) _accepted.ForEach(c => c.Dispose());
        _repo.Dispose();
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                lock (_accepted) _accepted.Add(client);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The listener was stopped at the end of the test.
        }
    }

    [Fact]
    public async Task ResolveRevisionAsync_ServerNeverAnswers_TimesOut()
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var git = new TestSources(_repo.CacheDirectory, o => o.FetchTimeout = TimeSpan.FromSeconds(1)).Git;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SourceException>(() =>
            git.ResolveRevisionAsync(new RepositorySpec("silent", $"git://127.0.0.1:{port}/repo"), "main", fetch: true, CancellationToken.None));

        Assert.Equal("fetch of repository silent timed out after 1 s", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }
}
