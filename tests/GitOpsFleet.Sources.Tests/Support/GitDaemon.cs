using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GitOpsFleet.Sources.Tests.Support;

/// <summary>A <c>git daemon</c> serving the parent folder of a work tree on a free loopback port.</summary>
internal sealed class GitDaemon : IAsyncDisposable
{
    private readonly Process _process;

    private GitDaemon(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string UrlFor(string folderName) => $"git://127.0.0.1:{Port}/{folderName}";

    public static async Task<GitDaemon> StartAsync(string workTree)
    {
        var basePath = Path.GetDirectoryName(workTree)!;
        // git daemon cannot report a port it picked, so take a free one; retry if another test grabbed it first.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "daemon", "--reuseaddr", $"--base-path={basePath}", "--export-all", $"--port={port}", "--listen=127.0.0.1", basePath })
                psi.ArgumentList.Add(a);
            var process = Process.Start(psi)!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                if (await CanConnectAsync(port)) return new GitDaemon(process, port);
                await Task.Delay(50);
            }

            Kill(process);
            if (attempt == 2) throw new InvalidOperationException($"git daemon did not start on port {port}: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
