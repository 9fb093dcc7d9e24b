using System.Security.Cryptography.X509Certificates;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Tests.Tls;

namespace GitOpsFleet.Cli.Tests;

/// <summary>The CLI against a hub speaking TLS with a private CA: --ca-file, FLEET_CA_FILE, login, and the refusal without it.</summary>
public sealed class TlsCommandsTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private X509Certificate2 _certificate = null!;
    private FakeHub _hub = null!;

    public async Task InitializeAsync()
    {
        // Kept until the hub stops: Kestrel presents it on every handshake.
        _certificate = X509Certificate2.CreateFromPemFile(_certificates.CertificateFile, _certificates.KeyFile);
        _hub = await FakeHub.StartAsync(_certificate);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _certificate.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task ClusterList_WithCaFile_Succeeds()
    {
        Assert.StartsWith("https://", _hub.Address);

        var result = await _hub.RunAsync("cluster", "list", "--ca-file", _certificates.CaFile);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task ClusterList_WithoutCaFile_FailsWithOneLineTlsError()
    {
        var result = await _hub.RunAsync("cluster", "list");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: the TLS certificate of the hub at {_hub.Address} is not trusted", line);
        Assert.Contains("--ca-file", line);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Empty(_hub.Service.Requests);
    }

    [Fact]
    public async Task ClusterList_WithAnotherCa_FailsNamingTheCaFile()
    {
        using var other = TestCertificates.Create();

        var result = await _hub.RunAsync("cluster", "list", "--ca-file", other.CaFile);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not trusted", result.Stderr);
        Assert.Contains(other.CaFile, result.Stderr);
    }

    [Fact]
    public async Task CaFile_FromEnvironment_IsTrusted()
    {
        var result = await _hub.RunWithAsync(new Dictionary<string, string> { ["FLEET_HUB"] = _hub.Address, ["FLEET_CA_FILE"] = _certificates.CaFile }, "cluster", "list");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public async Task Login_WithCaFile_SavesItForLaterCommands()
    {
        var login = await _hub.RunAsync("login", "--token", "saved-token", "--ca-file", _certificates.CaFile);
        var list = await _hub.RunWithAsync(new Dictionary<string, string>(), "cluster", "list");

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("\"caFile\"", await File.ReadAllTextAsync(_hub.ConfigPath));
        Assert.Equal(["Bearer saved-token", "Bearer saved-token"], _hub.Service.Authorizations);
    }

    [Fact]
    public async Task InsecureSkipTlsVerify_Connects_AndWarnsOnStderr()
    {
        var result = await _hub.RunAsync("cluster", "list", "--insecure-skip-tls-verify");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("warning: --insecure-skip-tls-verify", result.Stderr);
    }

    [Fact]
    public async Task CaFile_NotPem_IsAClearError()
    {
        var bad = Path.Combine(_hub.Root, "bad.pem");
        await File.WriteAllTextAsync(bad, "not a certificate");

        var result = await _hub.RunAsync("cluster", "list", "--ca-file", bad);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: --ca-file '{bad}'", result.Stderr);
    }
}

/// <summary>An https:// address for a hub that serves no TLS.</summary>
public sealed class TlsToPlainHubTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task ClusterList_HttpsToPlainHub_SaysTheHandshakeFailed()
    {
        var https = _hub.Address.Replace("http://", "https://", StringComparison.Ordinal);

        var result = await _hub.RunWithAsync(new Dictionary<string, string>(), "cluster", "list", "--hub", https);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: the TLS handshake with the hub at {https} failed", result.Stderr);
        Assert.Contains("http://", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
