using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim;

/// <summary>Settings of a <see cref="SimulatedClusterHost"/> and the clusters it serves.</summary>
public sealed class SimulatedClusterHostOptions
{
    /// <summary>TCP port on 127.0.0.1. Default 0: a free port is picked.</summary>
    public int Port { get; set; } = 0;

    /// <summary>How long simulated controllers take to make pods run, PVCs bind and load balancers get an address. Default 1 second.</summary>
    public TimeSpan ControllerDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Watch events kept per cluster for resuming watches; older resourceVersions get 410 Gone. Default 1000.</summary>
    public int WatchHistorySize { get; set; } = 1000;

    /// <summary>How often a watch that allows bookmarks receives one while idle. Default 30 seconds.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the simulator logs (cluster lifecycle, simulator bugs, failed controller work). Default null: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Throws with a message that says how to fix a bad setting.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 0 (pick a free port) and 65535.");
        }
        if (ControllerDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ControllerDelay), ControllerDelay, "ControllerDelay must be zero or positive.");
        }
        if (WatchHistorySize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WatchHistorySize), WatchHistorySize, "WatchHistorySize must be at least 1.");
        }
        if (BookmarkInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BookmarkInterval), BookmarkInterval, "BookmarkInterval must be positive.");
        }
    }
}
