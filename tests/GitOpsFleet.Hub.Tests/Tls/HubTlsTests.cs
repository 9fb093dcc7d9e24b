using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Tests.Tls;
using GitOpsFleet.Tls;
using Grpc.Core;
using Grpc.Net.Client;

namespace GitOpsFleet.Hub.Tests.Tls;

/// <summary>A real hub started with --tls-cert/--tls-key: both ports speak TLS, checked against a private CA.</summary>
public sealed class HubTlsTests
{
    [Fact]
    public async Task StartAsync_WithTlsFiles_BothPortsServeHttpsTrustedByTheCa()
    {
        using var certificates = TestCertificates.Create();
        await using var hub = await StartHubAsync(certificates);

        Assert.Equal("https", hub.Host.GrpcAddress.Scheme);
        Assert.Equal("https", hub.Host.HttpAddress.Scheme);
        using var channel = GrpcChannel.ForAddress(hub.Host.GrpcAddress, new GrpcChannelOptions { HttpHandler = TrustingHandler(certificates.CaFile) });
        var fleet = new FleetService.FleetServiceClient(channel);
        var clusters = await fleet.ListClustersAsync(new ListClustersRequest(), new Metadata { { "authorization", $"Bearer {hub.AdminToken}" } });
        Assert.Empty(clusters.Clusters);

        using var http = new HttpClient(TrustingHandler(certificates.CaFile));
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(hub.Host.HttpAddress, "/healthz"))
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
        }
    }

    [Fact]
    public async Task Connect_WithoutTheCa_FailsTheHandshake()
    {
        using var certificates = TestCertificates.Create();
        await using var hub = await StartHubAsync(certificates);

        using var channel = GrpcChannel.ForAddress(hub.Host.GrpcAddress);
        var fleet = new FleetService.FleetServiceClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => fleet.ListClustersAsync(new ListClustersRequest()).ResponseAsync);

        Assert.Contains(Chain(error.Status.DebugException), e => e is AuthenticationException);
    }

    [Fact]
    public async Task PlainHttp_ToTlsPorts_IsRefused()
    {
        using var certificates = TestCertificates.Create();
        await using var hub = await StartHubAsync(certificates);

        using var http = new HttpClient();
        var plainHealth = new UriBuilder(hub.Host.HttpAddress) { Scheme = "http", Path = "/healthz" }.Uri;
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(plainHealth));

        using var channel = GrpcChannel.ForAddress(new UriBuilder(hub.Host.GrpcAddress) { Scheme = "http" }.Uri);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new FleetService.FleetServiceClient(channel).ListClustersAsync(new ListClustersRequest()).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.NotEqual(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Handshake_AfterTheFilesAreReplaced_PresentsTheNewCertificate()
    {
        using var certificates = TestCertificates.Create();
        using var renewed = TestCertificates.Create("gitopsfleet-hub-renewed");
        await using var hub = await StartHubAsync(certificates);
        Assert.Equal("CN=gitopsfleet-hub", (await PresentedAsync(hub.Host.GrpcAddress)).Subject);

        File.WriteAllText(certificates.KeyFile, File.ReadAllText(renewed.KeyFile));
        File.WriteAllText(certificates.CertificateFile, File.ReadAllText(renewed.CertificateFile));

        var subject = await Eventually.UntilAsync(async () => (await PresentedAsync(hub.Host.GrpcAddress)).Subject,
            s => s == "CN=gitopsfleet-hub-renewed", "the hub to present the renewed certificate", TimeSpan.FromSeconds(30));
        Assert.Equal("CN=gitopsfleet-hub-renewed", subject);
    }

    [Theory]
    [InlineData("cert-missing")]
    [InlineData("key-missing")]
    [InlineData("key-mismatched")]
    [InlineData("key-not-pem")]
    public void Parse_BadTlsFiles_NamesTheFlagAndFile(string problem)
    {
        using var certificates = TestCertificates.Create();
        using var other = TestCertificates.Create();
        var cert = certificates.CertificateFile;
        var key = certificates.KeyFile;
        switch (problem)
        {
            case "cert-missing": cert = Path.Combine(certificates.Directory, "nope.crt"); break;
            case "key-missing": key = Path.Combine(certificates.Directory, "nope.key"); break;
            case "key-mismatched": key = other.KeyFile; break;
            case "key-not-pem": File.WriteAllText(key, "not a key"); break;
        }

        var error = Assert.Throws<ArgumentException>(() => HubCommandLine.Parse(["--tls-cert", cert, "--tls-key", key]));

        Assert.Contains(problem == "cert-missing" ? "--tls-cert" : "--tls-key", error.Message);
        Assert.Contains(problem == "cert-missing" ? cert : key, error.Message);
    }

    [Fact]
    public void Parse_OnlyOneTlsFlag_SaysTheOtherIsNeeded()
    {
        using var certificates = TestCertificates.Create();

        var error = Assert.Throws<ArgumentException>(() => HubCommandLine.Parse(["--tls-cert", certificates.CertificateFile]));

        Assert.Contains("needs --tls-key", error.Message);
    }

    internal static async Task<TestHub> StartHubAsync(TestCertificates certificates) =>
        await TestHub.StartAsync(configure: options =>
        {
            options.TlsCertificatePath = certificates.CertificateFile;
            options.TlsKeyPath = certificates.KeyFile;
        }, handler: TrustingHandler(certificates.CaFile));

    /// <summary>A handler that trusts only the test CA (chain and host name checked).</summary>
    internal static SocketsHttpHandler TrustingHandler(string caFile) =>
        ServerTrust.Configure(new SocketsHttpHandler(), PemCertificates.LoadFile(caFile, caFile));

    private static async Task<X509Certificate> PresentedAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        });
        return tls.RemoteCertificate!;
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
