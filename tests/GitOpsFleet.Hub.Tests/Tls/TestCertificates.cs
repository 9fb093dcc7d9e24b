using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Tests.Tls;

/// <summary>
/// A throwaway private CA and a server certificate for 127.0.0.1 and localhost, written as PEM files to
/// a temp dir (ECDSA P-256: quick to generate). Shared by the hub, CLI and end-to-end tests.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory)
    {
        Directory = directory;
    }

    /// <summary>The temp dir holding the files.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (PEM) that clients trust with --ca-file.</summary>
    public string CaFile => Path.Combine(Directory, "ca.crt");

    /// <summary>The server certificate (PEM) for --tls-cert.</summary>
    public string CertificateFile => Path.Combine(Directory, "tls.crt");

    /// <summary>The server key (PEM) for --tls-key.</summary>
    public string KeyFile => Path.Combine(Directory, "tls.key");

    /// <summary>Creates a CA and a server certificate it signed, with the given common name.</summary>
    public static TestCertificates Create(string commonName = "gitopsfleet-hub")
    {
        var directory = Path.Combine(Path.GetTempPath(), "gitopsfleet-tls-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=GitOpsFleet test CA {Guid.NewGuid():N}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());
        certificates.WriteServerCertificate(ca, commonName);
        return certificates;
    }

    /// <summary>Writes the server certificate and key, signed by <paramref name="ca"/>.</summary>
    private void WriteServerCertificate(X509Certificate2 ca, string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
