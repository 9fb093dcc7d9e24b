using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Kube.Rest;

/// <summary>The HTTP handler of a <see cref="KubeConnection"/>: the server's CA as the only root, and the client certificate.</summary>
internal static class KubeTls
{
    /// <summary>
    /// Null <paramref name="certificateAuthority"/> keeps the system roots; <paramref name="insecureSkipVerify"/>
    /// accepts any server certificate (kubeconfig insecure-skip-tls-verify). Chain and host name are checked otherwise.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? certificateAuthority, bool insecureSkipVerify, X509Certificate2? clientCertificate)
    {
        // Watches are long-lived requests: keep pooled connections fresh so a moved API server endpoint is picked up.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (insecureSkipVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (certificateAuthority is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // Cluster CAs publish no revocation lists.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(certificateAuthority);
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        return handler;
    }

    /// <summary>The certificates of PEM text; <paramref name="source"/> names where it came from in errors.</summary>
    public static X509Certificate2Collection ParseCertificates(string pem, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConnectionException($"{source} cannot be read as PEM certificates: {ex.Message}", ex);
        }
        return certificates.Count > 0
            ? certificates
            : throw new KubeConnectionException($"{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /// <summary>A client certificate with its PEM private key (PKCS#8, RSA or EC).</summary>
    public static X509Certificate2 ParseClientCertificate(string certificatePem, string keyPem, string source)
    {
        try
        {
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConnectionException($"{source}: client certificate and key cannot be read as PEM (RSA or EC): {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new KubeConnectionException($"{source}: client certificate and key cannot be read as PEM (RSA or EC): {ex.Message}", ex);
        }
    }
}
