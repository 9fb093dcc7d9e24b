using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Tls;

/// <summary>
/// Certificates and keys from PEM. Every error is a <see cref="TlsConfigurationException"/> whose message starts
/// with the given source (for example <c>--ca-file '/etc/ca.pem'</c>), so the user sees which setting is wrong.
/// </summary>
public static class PemCertificates
{
    /// <summary>Every certificate of a PEM file (a CA bundle may hold several).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="source">Names the file in errors, e.g. <c>--ca-file '/etc/ca.pem'</c>.</param>
    public static X509Certificate2Collection LoadFile(string path, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw CannotRead(source, ex);
        }
        return NotEmpty(certificates, source);
    }

    /// <summary>Every certificate of PEM text (a CA bundle may hold several).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">Names where the text came from in errors.</param>
    public static X509Certificate2Collection Parse(string pem, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw CannotRead(source, ex);
        }
        return NotEmpty(certificates, source);
    }

    /// <summary>A client certificate with its PEM private key (PKCS#1, SEC1 or PKCS#8; RSA or EC).</summary>
    /// <param name="certificatePem">The certificate's PEM text.</param>
    /// <param name="keyPem">The private key's PEM text.</param>
    /// <param name="source">Names where the pair came from in errors.</param>
    public static X509Certificate2 ParseClientCertificate(string certificatePem, string keyPem, string source)
    {
        try
        {
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsConfigurationException($"{source}: client certificate and key cannot be read as PEM (RSA or EC): {ex.Message}", ex);
        }
    }

    private static TlsConfigurationException CannotRead(string source, Exception ex) =>
        new($"{source} cannot be read as PEM certificates: {ex.Message}", ex);

    private static X509Certificate2Collection NotEmpty(X509Certificate2Collection certificates, string source) =>
        certificates.Count > 0
            ? certificates
            : throw new TlsConfigurationException($"{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
}
