using System.Security.Cryptography.X509Certificates;
using GitOpsFleet.Tls;

namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// The HTTP handler of a <see cref="KubeConnection"/> and its PEM material, on GitOpsFleet.Tls: the cluster's CA as
/// the only root, the client certificate, and configuration errors as <see cref="KubeConnectionException"/>.
/// </summary>
internal static class KubeTls
{
    /// <summary>
    /// Null <paramref name="certificateAuthority"/> keeps the system roots; <paramref name="insecureSkipVerify"/>
    /// accepts any server certificate (kubeconfig insecure-skip-tls-verify). Chain and host name are checked otherwise.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? certificateAuthority, bool insecureSkipVerify, X509Certificate2? clientCertificate)
        // Watches are long-lived requests: keep pooled connections fresh so a moved API server endpoint is picked up.
        => ServerTrust.Configure(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, certificateAuthority, insecureSkipVerify, clientCertificate);

    /// <summary>The certificates of PEM text; <paramref name="source"/> names where it came from in errors.</summary>
    public static X509Certificate2Collection ParseCertificates(string pem, string source)
    {
        try
        {
            return PemCertificates.Parse(pem, source);
        }
        catch (TlsConfigurationException ex)
        {
            throw new KubeConnectionException(ex.Message, ex.InnerException ?? ex);
        }
    }

    /// <summary>A client certificate with its PEM private key (PKCS#8, RSA or EC).</summary>
    public static X509Certificate2 ParseClientCertificate(string certificatePem, string keyPem, string source)
    {
        try
        {
            return PemCertificates.ParseClientCertificate(certificatePem, keyPem, source);
        }
        catch (TlsConfigurationException ex)
        {
            throw new KubeConnectionException(ex.Message, ex.InnerException ?? ex);
        }
    }
}
