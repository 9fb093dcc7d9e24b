using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GitOpsFleet.Tls;

namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>
/// How the CLI checks the hub's certificate: the system roots, a private CA from --ca-file (chain and
/// host name still verified), or nothing at all when --insecure-skip-tls-verify is asked for.
/// </summary>
internal sealed record HubTls(string? CaFile, bool SkipVerify)
{
    /// <summary>--ca-file, else FLEET_CA_FILE, else the login config; --insecure-skip-tls-verify as given.</summary>
    public static HubTls Resolve(string? caFileOption, bool skipVerify, CliEnvironment environment, CliConfig config)
    {
        var caFile = new[] { caFileOption, environment.GetVariable("FLEET_CA_FILE"), config.CaFile }
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return new HubTls(caFile is null ? null : Path.GetFullPath(caFile), skipVerify);
    }

    /// <summary>The HTTP handler for the gRPC channel, with the certificate check this asks for.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        // --insecure-skip-tls-verify is asked for by name on the command line; the warning is printed by the caller.
        var roots = SkipVerify || CaFile is null ? null : LoadCertificates(CaFile);
        return ServerTrust.Configure(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }, roots, SkipVerify);
    }

    /// <summary>Every certificate in a PEM file (a bundle may hold several CAs).</summary>
    public static X509Certificate2Collection LoadCertificates(string caFile)
    {
        try
        {
            return PemCertificates.LoadFile(caFile, $"--ca-file '{caFile}'");
        }
        catch (TlsConfigurationException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>True when <paramref name="exception"/> (or what it wraps) is a failed TLS handshake.</summary>
    public static bool IsTlsFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One line for a failed handshake: which hub, why (an untrusted certificate or no TLS at all), and what to do.</summary>
    public string DescribeFailure(string hub, Exception exception)
    {
        var reason = exception;
        while (reason.InnerException is not null && reason is not AuthenticationException)
        {
            reason = reason.InnerException;
        }
        if (!reason.Message.Contains("remote certificate", StringComparison.OrdinalIgnoreCase))
        {
            // Not a certificate verdict: most often an https:// address for a hub serving plain h2c.
            return $"the TLS handshake with the hub at {hub} failed ({reason.Message.TrimEnd('.')}); check that the hub serves TLS (a hub without --tls-cert takes http://)";
        }
        var hint = CaFile is null
            ? "if the hub uses a private CA, give it with --ca-file PATH (or FLEET_CA_FILE)"
            : $"check that --ca-file {CaFile} is the CA that signed the hub's certificate and that the certificate names this host";
        return $"the TLS certificate of the hub at {hub} is not trusted ({reason.Message.TrimEnd('.')}); {hint}";
    }
}
