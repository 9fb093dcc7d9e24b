using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Rest;
using GitOpsFleet.KubeSim;

namespace GitOpsFleet.Kube.Tests.Rest;

/// <summary>
/// KubeConnectionLoader, the lean agent's kubeconfig and in-cluster reader: KubeSim's kubeconfigs over HTTP,
/// hand-written ones with an embedded CA and client certificate against a TLS server on 127.0.0.1:0.
/// </summary>
public sealed class KubeConnectionLoaderTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsfleet-kubeconn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task FromKubeconfig_KubeSimKubeconfig_RestClientGetsNamespace()
    {
        await using var host = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { Port = 0 }, Ct);
        var cluster = await host.AddClusterAsync("loader", Ct);
        var path = cluster.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));

        using var connection = KubeConnectionLoader.FromKubeconfig(path);
        var client = new KubeRestClient(connection);
        var created = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "shop" } };
        await client.CreateAsync("/api/v1/namespaces", created, Ct);
        var read = await client.GetAsync("/api/v1/namespaces/shop", Ct);

        Assert.Equal(cluster.Server.ToString().TrimEnd('/'), connection.BaseUri.ToString().TrimEnd('/'));
        Assert.Equal("shop", read?["metadata"]?["name"]?.GetValue<string>());
        Assert.Equal("Bearer kubesim-token", await AuthorizationAsync(connection));
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task FromKubeconfig_EmbeddedCaAndClientCertificate_ServerTrustedAndSeesClientCertificate(string keyType)
    {
        using var pki = TestPki.Create(keyType);
        await using var server = TlsJsonServer.Start(pki.Server, """{"kind":"Namespace","metadata":{"name":"shop"}}""");
        var path = Write("kubeconfig", $$"""
            apiVersion: v1
            kind: Config
            current-context: tls
            clusters:
            - name: tls
              cluster:
                server: https://127.0.0.1:{{server.Port}}
                certificate-authority-data: {{Base64(pki.CaPem)}}
            users:
            - name: admin
              user:
                client-certificate-data: {{Base64(pki.ClientCertificatePem)}}
                client-key-data: {{Base64(pki.ClientKeyPem)}}
            contexts:
            - name: other
              context: {cluster: nowhere, user: nobody}
            - name: tls
              context: {cluster: tls, user: admin}
            """);

        using var connection = KubeConnectionLoader.FromKubeconfig(path);
        var read = await new KubeRestClient(connection).GetAsync("/api/v1/namespaces/shop", Ct);

        Assert.Equal("shop", read?["metadata"]?["name"]?.GetValue<string>());
        Assert.Equal(pki.ClientThumbprint, server.ClientThumbprint);
    }

    [Fact]
    public async Task FromKubeconfig_ServerSignedByAnotherCa_RequestFails()
    {
        using var pki = TestPki.Create("ec");
        using var other = TestPki.Create("ec");
        await using var server = TlsJsonServer.Start(pki.Server, "{}");
        var path = Write("kubeconfig", $$"""
            current-context: tls
            clusters:
            - name: tls
              cluster:
                server: "https://127.0.0.1:{{server.Port}}"
                certificate-authority-data: {{Base64(other.CaPem)}}
            users:
            - name: admin
              user:
                client-certificate-data: {{Base64(pki.ClientCertificatePem)}}
                client-key-data: {{Base64(pki.ClientKeyPem)}}
            contexts:
            - name: tls
              context: {cluster: tls, user: admin}
            """);

        using var connection = KubeConnectionLoader.FromKubeconfig(path);

        // Everything but the CA is right (client certificate included), so only the chain check can refuse.
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => new KubeRestClient(connection).GetAsync("/version", Ct));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.InnerException);
    }

    [Fact]
    public async Task FromKubeconfig_CaFileAndTokenFile_ReadRelativeToKubeconfig()
    {
        using var pki = TestPki.Create("ec");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), pki.CaPem);
        File.WriteAllText(Path.Combine(_dir, "token"), "file-token\n");
        var path = Write("kubeconfig", """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443/prefix", certificate-authority: ca.crt}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """);

        using var connection = KubeConnectionLoader.FromKubeconfig(path);

        Assert.Equal("https://10.0.0.1:6443/prefix", connection.BaseUri.ToString());
        Assert.Equal("Bearer file-token", await AuthorizationAsync(connection));
    }

    [Theory]
    [InlineData("exec", "{apiVersion: client.authentication.k8s.io/v1, command: aws}")]
    [InlineData("auth-provider", "{name: oidc}")]
    public void FromKubeconfig_PluginUser_ThrowsNotSupportedNamingUser(string plugin, string settings)
    {
        var path = Write("kubeconfig", $$"""
            current-context: c
            clusters:
            - name: c
              cluster:
                server: https://10.0.0.1:6443
            users:
            - name: eks-admin
              user:
                {{plugin}}: {{settings}}
            contexts:
            - name: c
              context:
                cluster: c
                user: eks-admin
            """);

        var ex = Assert.Throws<KubeConnectionException>(() => KubeConnectionLoader.FromKubeconfig(path));

        Assert.Contains($"user 'eks-admin' uses an {plugin} plugin", ex.Message);
        Assert.Contains("not supported by the lean (Native AOT) agent", ex.Message);
        Assert.Contains("regular build", ex.Message);
    }

    [Fact]
    public void FromKubeconfig_UnknownContext_ThrowsNamingContext()
    {
        var path = Write("kubeconfig", """
            current-context: gone
            clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
            contexts: [{name: c, context: {cluster: c}}]
            """);

        var ex = Assert.Throws<KubeConnectionException>(() => KubeConnectionLoader.FromKubeconfig(path));

        Assert.Contains("no context named 'gone'", ex.Message);
    }

    [Fact]
    public async Task InCluster_ServiceAccountDirectory_UsesServiceAddressTokenAndCa()
    {
        using var pki = TestPki.Create("rsa");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), pki.CaPem);
        File.WriteAllText(Path.Combine(_dir, "token"), "sa-token");

        using var connection = KubeConnectionLoader.InCluster("fd00::1", "443", _dir);

        Assert.Equal("https://[fd00::1]/", connection.BaseUri.ToString());
        Assert.Equal("Bearer sa-token", await AuthorizationAsync(connection));
        Assert.Throws<KubeConnectionException>(() => KubeConnectionLoader.InCluster(null, null, _dir));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));

    private static async Task<string?> AuthorizationAsync(KubeConnection connection)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.BaseUri);
        await connection.AuthenticateAsync(request, Ct);
        return request.Headers.Authorization?.ToString();
    }

    /// <summary>A CA, a server certificate for 127.0.0.1 and a client certificate (RSA or EC key), all signed by the CA.</summary>
    private sealed record TestPki(string CaPem, X509Certificate2 Server, string ClientCertificatePem, string ClientKeyPem, string ClientThumbprint) : IDisposable
    {
        public static TestPki Create(string clientKeyType)
        {
            var now = DateTimeOffset.UtcNow;
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=test cluster CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            serverRequest.CertificateExtensions.Add(names.Build());
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var serverPublic = serverRequest.Create(ca, now.AddHours(-1), now.AddDays(1), [1]);
            using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
            // A PFX round trip gives SslStream a persisted key, as a server certificate needs.
            var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pfx), null);

            using AsymmetricAlgorithm clientKey = clientKeyType == "rsa" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var clientRequest = clientKey is RSA rsa
                ? new CertificateRequest("CN=admin, O=system:masters", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest("CN=admin, O=system:masters", (ECDsa)clientKey, HashAlgorithmName.SHA256);
            clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            // The CA key is EC; an RSA client key needs the generator overload.
            using var client = clientRequest.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddHours(-1), now.AddDays(1), [2]);
            // The PEM forms kubeadm and kind write: PKCS#1 "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY".
            var keyPem = clientKey is RSA r ? r.ExportRSAPrivateKeyPem() : ((ECDsa)clientKey).ExportECPrivateKeyPem();
            return new TestPki(ca.ExportCertificatePem(), server, client.ExportCertificatePem(), keyPem, client.Thumbprint);
        }

        public void Dispose() => Server.Dispose();
    }

    /// <summary>An HTTPS/1.1 server on 127.0.0.1:0 that requires a client certificate and answers every request with one JSON body.</summary>
    private sealed class TlsJsonServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string? ClientThumbprint { get; private set; }

        public static TlsJsonServer Start(X509Certificate2 certificate, string body)
        {
            var server = new TlsJsonServer();
            server._listener.Start();
            server._loop = server.ServeAsync(certificate, body);
            return server;
        }

        private async Task ServeAsync(X509Certificate2 certificate, string body)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                try
                {
                    await ServeOneAsync(tcp, certificate, body);
                }
                catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
                {
                    // The client refused our certificate (with TLS 1.3 possibly after our side finished): a test outcome.
                }
            }
        }

        private async Task ServeOneAsync(TcpClient tcp, X509Certificate2 certificate, string body)
        {
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = true,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null,
            }, _stop.Token);
            ClientThumbprint = tls.RemoteCertificate?.GetCertHashString();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await tls.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var payload = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
            await tls.WriteAsync(payload, _stop.Token);
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
}
