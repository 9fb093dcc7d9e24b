using System.Security.Cryptography;
using GitOpsFleet.Tests.Tls;

namespace GitOpsFleet.Tls.Tests;

/// <summary>PEM loading: bundles, and errors that start with the source they were given (the CLI, agent and Kube messages).</summary>
public sealed class PemCertificatesTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void LoadFile_Bundle_ReturnsEveryCertificate()
    {
        using var other = TestCertificates.Create();
        var bundle = Path.Combine(_certificates.Directory, "bundle.pem");
        File.WriteAllText(bundle, File.ReadAllText(_certificates.CaFile) + "\n" + File.ReadAllText(other.CaFile));

        var certificates = PemCertificates.LoadFile(bundle, "--ca-file");

        Assert.Equal(2, certificates.Count);
    }

    [Fact]
    public void LoadFile_Missing_ThrowsNamingSource()
    {
        var path = Path.Combine(_certificates.Directory, "nope.pem");

        var error = Assert.Throws<TlsConfigurationException>(() => PemCertificates.LoadFile(path, $"--ca-file '{path}'"));

        Assert.StartsWith($"--ca-file '{path}' cannot be read as PEM certificates: ", error.Message);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void LoadFile_NoCertificate_ThrowsNamingSource()
    {
        var path = Path.Combine(_certificates.Directory, "empty.pem");
        File.WriteAllText(path, "not a certificate");

        var error = Assert.Throws<TlsConfigurationException>(() => PemCertificates.LoadFile(path, $"--ca-file '{path}'"));

        Assert.Equal($"--ca-file '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", error.Message);
    }

    [Fact]
    public void Parse_CorruptCertificate_ThrowsNamingSource()
    {
        const string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

        var error = Assert.Throws<TlsConfigurationException>(() => PemCertificates.Parse(pem, "kubeconfig 'k' cluster 'c' certificate-authority"));

        Assert.StartsWith("kubeconfig 'k' cluster 'c' certificate-authority cannot be read as PEM certificates: ", error.Message);
        Assert.IsAssignableFrom<CryptographicException>(error.InnerException);
    }

    [Fact]
    public void ParseClientCertificate_MatchingKey_HasPrivateKey()
    {
        using var certificate = PemCertificates.ParseClientCertificate(
            File.ReadAllText(_certificates.CertificateFile), File.ReadAllText(_certificates.KeyFile), "user 'admin'");

        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void ParseClientCertificate_KeyOfAnotherCertificate_ThrowsNamingSource()
    {
        using var other = TestCertificates.Create();

        var error = Assert.Throws<TlsConfigurationException>(() => PemCertificates.ParseClientCertificate(
            File.ReadAllText(_certificates.CertificateFile), File.ReadAllText(other.KeyFile), "kubeconfig 'k' user 'admin'"));

        Assert.StartsWith("kubeconfig 'k' user 'admin': client certificate and key cannot be read as PEM (RSA or EC): ", error.Message);
    }
}
