using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Tls;

/// <summary>
/// How a client checks a server's certificate: the system roots (the default), a private CA as the only root
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>; the chain and the host name are still checked), or not at all
/// when the user asked for it by name (--insecure-skip-tls-verify, kubeconfig insecure-skip-tls-verify).
/// </summary>
public static class ServerTrust
{
    /// <summary>A chain policy with <paramref name="roots"/> as the only trusted roots and no revocation check.</summary>
    public static X509ChainPolicy CustomRootPolicy(X509Certificate2Collection roots)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // Private and cluster CAs rarely publish revocation lists; like SslStream's default, do not require one.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    /// <summary>
    /// The verdict with <see cref="CustomRootPolicy"/>, plus one case .NET refuses: the server's own certificate listed
    /// among the roots although its issuer is not (a pinned leaf: the hub's --tls-cert handed to its own --demo agents,
    /// a kubeconfig certificate-authority holding the API server's certificate). Go's crypto/x509, which kubectl
    /// uses, and OpenSSL's partial-chain mode trust such a certificate too. The host name and dates are still checked.
    /// </summary>
    internal static bool IsTrusted(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || chain is null
            || chain.ChainStatus.Any(status => status.Status != X509ChainStatusFlags.PartialChain))
        {
            return false;
        }
        var presented = certificate.GetRawCertData();
        return roots.Any(root => root.RawData.AsSpan().SequenceEqual(presented));
    }

    /// <summary>
    /// Sets the server certificate check (and the client certificate) of <paramref name="handler"/>'s TLS options and
    /// returns it. Null <paramref name="customRoots"/> keeps the system roots; <paramref name="insecureSkipVerify"/>
    /// accepts any server certificate and wins over <paramref name="customRoots"/>.
    /// </summary>
    public static SocketsHttpHandler Configure(
        SocketsHttpHandler handler,
        X509Certificate2Collection? customRoots,
        bool insecureSkipVerify = false,
        X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Configure(handler.SslOptions, customRoots, insecureSkipVerify, clientCertificate);
        return handler;
    }

    /// <summary>The same as <see cref="Configure(SocketsHttpHandler, X509Certificate2Collection?, bool, X509Certificate2?)"/> for a bare SslStream.</summary>
    public static void Configure(
        SslClientAuthenticationOptions options,
        X509Certificate2Collection? customRoots,
        bool insecureSkipVerify = false,
        X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (insecureSkipVerify)
        {
            // Asked for by name; the caller warns about it.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (customRoots is not null)
        {
            // SslStream builds the chain with this policy and still checks the host name.
            options.CertificateChainPolicy = CustomRootPolicy(customRoots);
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(customRoots, certificate, chain, errors);
        }
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }
    }
}
