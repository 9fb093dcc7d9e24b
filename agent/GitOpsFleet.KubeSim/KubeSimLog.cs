using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim;

/// <summary>The simulator's log messages.</summary>
internal static partial class KubeSimLog
{
    [LoggerMessage(1, LogLevel.Information, "Simulated cluster {Cluster} serving at {Server}")]
    public static partial void ClusterAdded(ILogger logger, string cluster, Uri server);

    [LoggerMessage(2, LogLevel.Information, "Simulated cluster {Cluster} removed")]
    public static partial void ClusterRemoved(ILogger logger, string cluster);

    [LoggerMessage(3, LogLevel.Error, "Simulated cluster {Cluster}: {Method} {Path} failed inside the simulator (answered 500); this is a KubeSim bug, please report it with the request")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string cluster, string method, string path);

    [LoggerMessage(4, LogLevel.Warning, "Simulated cluster {Cluster}: controller work {Key} failed; it runs again on the next change of the object")]
    public static partial void ControllerFailed(ILogger logger, Exception exception, string cluster, string key);
}
