using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GitOpsFleet.Tests.Tls;

namespace GitOpsFleet.Tls.Tests;

/// <summary>ServerTrust against a real TLS handshake on 127.0.0.1: the private CA as only root, the host name still checked, the opt-out.</summary>
public sealed class ServerTrustTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly TestCertificates _otherCa = TestCertificates.Create();
    private X509Certificate2 _serverCertificate = null!;
    private TlsTestServer _server = null!;

    public Task InitializeAsync()
    {
        // A PFX round trip gives SslStream a persisted key, as a server certificate needs.
        using var pem = X509Certificate2.CreateFromPemFile(_certificates.CertificateFile, _certificates.KeyFile);
        _serverCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
        _server = new TlsTestServer(_serverCertificate);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _serverCertificate.Dispose();
        _certificates.Dispose();
        _otherCa.Dispose();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Configure_SigningCa_HandshakeSucceeds(string host)
    {
        var roots = PemCertificates.LoadFile(_certificates.CaFile, "ca");

        await _server.HandshakeAsync(host, options => ServerTrust.Configure(options, roots), Ct);
    }

    [Fact]
    public async Task Configure_ServerCertificateItselfAsRoot_HandshakeSucceeds()
    {
        // What the hub's --demo does: its in-process agents trust the hub's own certificate file (no CA at hand).
        var roots = PemCertificates.LoadFile(_certificates.CertificateFile, "--tls-cert");

        await _server.HandshakeAsync("127.0.0.1", options => ServerTrust.Configure(options, roots), Ct);
    }

    [Fact]
    public async Task Configure_ServerCertificateItselfAsRootButOtherHostName_HandshakeRefused()
    {
        var roots = PemCertificates.LoadFile(_certificates.CertificateFile, "--tls-cert");

        await Assert.ThrowsAsync<AuthenticationException>(() => _server.HandshakeAsync("hub.example", options => ServerTrust.Configure(options, roots), Ct));
    }

    [Fact]
    public async Task Configure_AnotherServersCertificateAsRoot_HandshakeRefused()
    {
        var roots = PemCertificates.LoadFile(_otherCa.CertificateFile, "--tls-cert");

        await Assert.ThrowsAsync<AuthenticationException>(() => _server.HandshakeAsync("127.0.0.1", options => ServerTrust.Configure(options, roots), Ct));
    }

    [Fact]
    public async Task Configure_AnotherCa_HandshakeRefused()
    {
        var roots = PemCertificates.LoadFile(_otherCa.CaFile, "ca");

        await Assert.ThrowsAsync<AuthenticationException>(() => _server.HandshakeAsync("127.0.0.1", options => ServerTrust.Configure(options, roots), Ct));
    }

    [Fact]
    public async Task Configure_SigningCaButOtherHostName_HandshakeRefused()
    {
        var roots = PemCertificates.LoadFile(_certificates.CaFile, "ca");

        // The CA is the only root, but the certificate names 127.0.0.1 and localhost only: the host name is still checked.
        await Assert.ThrowsAsync<AuthenticationException>(() => _server.HandshakeAsync("hub.example", options => ServerTrust.Configure(options, roots), Ct));
    }

    [Fact]
    public async Task Configure_InsecureSkipVerify_AcceptsAnotherCasCertificate()
    {
        var roots = PemCertificates.LoadFile(_otherCa.CaFile, "ca");

        await _server.HandshakeAsync("hub.example", options => ServerTrust.Configure(options, roots, insecureSkipVerify: true), Ct);
    }

    [Fact]
    public async Task Configure_ClientCertificate_ServerSeesIt()
    {
        var roots = PemCertificates.LoadFile(_certificates.CaFile, "ca");
        using var pem = PemCertificates.ParseClientCertificate(
            File.ReadAllText(_otherCa.CertificateFile), File.ReadAllText(_otherCa.KeyFile), "client");
        using var client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);

        await _server.HandshakeAsync("127.0.0.1", options => ServerTrust.Configure(options, roots, clientCertificate: client), Ct);

        Assert.Equal(client.Thumbprint, _server.ClientThumbprint);
    }

    [Fact]
    public void Configure_Handler_SetsCustomRootPolicyWithoutRevocationCheck()
    {
        var roots = PemCertificates.LoadFile(_certificates.CaFile, "ca");
        using var handler = ServerTrust.Configure(new SocketsHttpHandler(), roots);

        var policy = handler.SslOptions.CertificateChainPolicy;
        Assert.NotNull(policy);
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
        Assert.Equal(roots[0].Thumbprint, Assert.Single(policy.CustomTrustStore).Thumbprint);
    }

    [Fact]
    public void Configure_NoRoots_KeepsSystemRoots()
    {
        using var handler = ServerTrust.Configure(new SocketsHttpHandler(), customRoots: null);

        Assert.Null(handler.SslOptions.CertificateChainPolicy);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }
}
