using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Tls.Tests;

/// <summary>A TLS server on 127.0.0.1:0 that completes handshakes with one certificate and asks for a client certificate.</summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly Task _loop;

    public TlsTestServer(X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener.Start();
        _loop = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The thumbprint of the last client certificate seen, if any.</summary>
    public string? ClientThumbprint { get; private set; }

    /// <summary>A client handshake with <paramref name="configure"/>'s options against <paramref name="targetHost"/>; throws when refused.</summary>
    public async Task HandshakeAsync(string targetHost, Action<SslClientAuthenticationOptions> configure, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions { TargetHost = targetHost };
        configure(options);
        await tls.AuthenticateAsClientAsync(options, cancellationToken);
        // One byte back proves the server finished its side (with TLS 1.3 the client may finish first).
        var buffer = new byte[1];
        await tls.ReadExactlyAsync(buffer, cancellationToken);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            try
            {
                await using var tls = new SslStream(tcp.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, _stop.Token);
                ClientThumbprint = tls.RemoteCertificate?.GetCertHashString();
                await tls.WriteAsync(new byte[] { 1 }, _stop.Token);
            }
            catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
            {
                // The client refused our certificate: a test outcome, seen on the client side.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped while waiting for the next connection.
        }
        _stop.Dispose();
    }
}
