using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Agent.Hub;

/// <summary>
/// The agent's trust in the hub's certificate: the system roots, or the private CA from --ca-file as the
/// only root (X509ChainTrustMode.CustomRootTrust). The chain and the host name are always checked.
/// </summary>
internal static class HubTrust
{
    /// <summary>The CA certificates of a PEM file; throws <see cref="InvalidOperationException"/> naming the file.</summary>
    public static X509Certificate2Collection Load(string caFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"--ca-file '{caFile}' cannot be read as PEM certificates: {ex.Message}", ex);
        }
        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"--ca-file '{caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /// <summary>A handler for one hub channel; null <paramref name="trust"/> keeps the system roots.</summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? trust)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (trust is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // Private CAs rarely publish revocation lists; like SslStream's default, do not require one.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(trust);
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        return handler;
    }
}
