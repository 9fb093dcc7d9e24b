using System.Net;

namespace GitOpsFleet.Hub;

/// <summary>Settings of one hub process; port 0 means "pick a free port".</summary>
public sealed class HubOptions
{
    /// <summary>HTTP/1.1 port for /healthz, /readyz and the JSON API. Default 8080.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTP/2 (h2c) port for gRPC: agents and the fleet CLI. Default 8081.</summary>
    public int GrpcPort { get; set; } = 8081;

    /// <summary>Where the hub keeps hub.db and the Git cache. Default "data" (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Start the demo fleet (simulated clusters and agents). Default false.</summary>
    public bool Demo { get; set; }

    /// <summary>When set, the admin token created on first start is also written to this file. Default null.</summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>Orleans silo-to-silo port. Default 0: a free port.</summary>
    public int SiloPort { get; set; }

    /// <summary>Orleans client gateway port. Default 0: a free port.</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// Redis "HOST:PORT" for the scale-out store: Orleans' Redis clustering, grain storage and reminders,
    /// so several hub processes with the same <see cref="ClusterId"/> form one hub. Default null: the
    /// embedded SQLite store in the data dir and one process.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Orleans cluster id: hub processes on one Redis with the same id form one cluster. Default "gitopsfleet".</summary>
    public string ClusterId { get; set; } = "gitopsfleet";

    /// <summary>Orleans service id: keys the stored grain state; keep it stable across deployments. Default "gitopsfleet-hub".</summary>
    public string ServiceId { get; set; } = "gitopsfleet-hub";

    /// <summary>
    /// Address Kestrel binds. Default 127.0.0.1, or 0.0.0.0 inside a container
    /// (DOTNET_RUNNING_IN_CONTAINER=true), where the hub must be reachable from outside.
    /// </summary>
    public string ListenAddress { get; set; } =
        Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER") == "true" ? "0.0.0.0" : "127.0.0.1";

    /// <summary>
    /// PEM certificate (chain) file for TLS on both ports (config key TlsCertificatePath, flag --tls-cert);
    /// with <see cref="TlsKeyPath"/> the HTTP port serves HTTPS (HTTP/1.1 and HTTP/2) and the gRPC port
    /// HTTP/2 over TLS. Re-read when the files change. Default null: plain HTTP and h2c.
    /// </summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/> (config key TlsKeyPath, flag --tls-key). Default null.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>True when both TLS files are given.</summary>
    public bool TlsEnabled => TlsCertificatePath is not null && TlsKeyPath is not null;

    /// <summary>Throws with a message that says how to fix the first bad setting.</summary>
    public void Validate()
    {
        CheckPort(HttpPort, "--http-port");
        CheckPort(GrpcPort, "--grpc-port");
        CheckPort(SiloPort, "silo port");
        CheckPort(GatewayPort, "gateway port");
        if (HttpPort != 0 && HttpPort == GrpcPort)
        {
            throw new ArgumentException($"--http-port and --grpc-port are both {HttpPort}; give them different ports");
        }
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("--data-dir is empty; give a directory the hub may write, e.g. --data-dir ./data");
        }
        if (Redis is not null && !IsHostAndPort(Redis))
        {
            throw new ArgumentException($"--redis '{Redis}' is not HOST:PORT; use e.g. --redis 127.0.0.1:6379");
        }
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new ArgumentException("--cluster-id and --service-id must not be empty; the defaults are gitopsfleet and gitopsfleet-hub");
        }
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            throw new ArgumentException($"listen address '{ListenAddress}' is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0");
        }
        if ((TlsCertificatePath is null) != (TlsKeyPath is null))
        {
            throw new ArgumentException(TlsCertificatePath is null
                ? $"--tls-key '{TlsKeyPath}' needs --tls-cert too (the PEM certificate it belongs to)"
                : $"--tls-cert '{TlsCertificatePath}' needs --tls-key too (the PEM private key of the certificate)");
        }
        if (TlsEnabled)
        {
            // Read once now so a bad pair fails the start with the flag and file named, not the first handshake.
            Hosting.HubTlsCertificate.Load(TlsCertificatePath!, TlsKeyPath!).Dispose();
        }
    }

    private static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is > 0 and <= 65535;
    }

    private static void CheckPort(int port, string name)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"{name} {port} is out of range; use 1-65535, or 0 for a free port");
        }
    }
}
