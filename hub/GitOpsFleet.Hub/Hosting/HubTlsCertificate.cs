using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsFleet.Hub.Hosting;

/// <summary>
/// The hub's TLS certificate from a PEM certificate and key file. Kestrel asks for it on every
/// handshake; when either file's content changed (cert-manager renewed the Secret) it is read again, at most
/// once per <see cref="RecheckInterval"/>, and a bad new pair keeps the old certificate.
/// </summary>
internal sealed partial class HubTlsCertificate(string certificatePath, string keyPath, ILogger logger)
{
    /// <summary>How often a handshake may look at the files again.</summary>
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private X509Certificate2 _current = Load(certificatePath, keyPath);
    private string _stamp = Stamp(certificatePath, keyPath);
    private long _nextCheckTicks = Environment.TickCount64 + (long)RecheckInterval.TotalMilliseconds;

    /// <summary>The certificate to present now, re-read when its files changed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (Environment.TickCount64 < Interlocked.Read(ref _nextCheckTicks))
            {
                return _current;
            }
            lock (_gate)
            {
                _nextCheckTicks = Environment.TickCount64 + (long)RecheckInterval.TotalMilliseconds;
                var stamp = Stamp(certificatePath, keyPath);
                if (stamp == _stamp || stamp.Length == 0)
                {
                    return _current;
                }
                try
                {
                    _current = Load(certificatePath, keyPath);
                    _stamp = stamp;
                    LogReloaded(logger, certificatePath, _current.Subject, _current.NotAfter);
                }
                catch (ArgumentException ex)
                {
                    // Half-written files (the key updated before the certificate): keep serving the old pair.
                    LogReloadFailed(logger, ex.Message);
                }
                return _current;
            }
        }
    }

    /// <summary>Reads the pair; throws an <see cref="ArgumentException"/> naming the flag and the file.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath))
        {
            throw new ArgumentException($"--tls-cert file '{certificatePath}' does not exist; give a PEM certificate (chain) file");
        }
        if (!File.Exists(keyPath))
        {
            throw new ArgumentException($"--tls-key file '{keyPath}' does not exist; give the PEM private key of --tls-cert");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ArgumentException(
                $"--tls-cert '{certificatePath}' and --tls-key '{keyPath}' cannot be used: {ex.Message} " +
                "(both must be PEM, the key must be the certificate's private key, and both readable by the hub)", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"--tls-key '{keyPath}' holds no private key for --tls-cert '{certificatePath}'");
        }
        return certificate;
    }

    /// <summary>A hash of both files' bytes: timestamps can stay put (copies, Secret volume swaps), content cannot.</summary>
    private static string Stamp(string certificatePath, string keyPath)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData([.. File.ReadAllBytes(certificatePath), .. File.ReadAllBytes(keyPath)]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Mid-swap: try again at the next check.
            return "";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate {Path} reloaded: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS certificate files changed but could not be loaded ({Reason}); still serving the previous certificate")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
