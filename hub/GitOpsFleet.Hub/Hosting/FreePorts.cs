using System.Net;
using System.Net.Sockets;

namespace GitOpsFleet.Hub.Hosting;

/// <summary>Finds free TCP ports so several hubs can run side by side.</summary>
internal static class FreePorts
{
    public static int OrFree(int port) => port != 0 ? port : Next();

    private static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
