using System.Globalization;

namespace GitOpsFleet.Hub.Diagnostics;

/// <summary>
/// The process's open-file limit against the fleet it serves. Every connected agent holds one connection, so one
/// descriptor: a hub at its limit stops accepting agents and then fails outright (measured: about 19,900 agents
/// at a limit of 20,000; docs/operations.md, Sizing). Checked at start so an operator hears of it before the fleet
/// grows into it.
/// </summary>
internal static partial class OpenFileLimit
{
    /// <summary>Descriptors the hub needs besides agent connections (storage, Git, renderers, the API).</summary>
    internal const int Reserve = 256;

    /// <summary>The soft "Max open files" from /proc/self/limits text; null when absent or unlimited.</summary>
    internal static long? Parse(string procLimits)
    {
        foreach (var line in procLimits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        return null;
    }

    /// <summary>How many agents the limit leaves room for.</summary>
    internal static long AgentCapacity(long limit) => Math.Max(0, limit - Reserve);

    /// <summary>True when the registered clusters already use more than half of that room.</summary>
    internal static bool IsTight(long limit, int registeredClusters) => registeredClusters > AgentCapacity(limit) / 2;

    /// <summary>Logs the agent capacity the limit allows, as a warning when the registered fleet is near it.</summary>
    public static void Check(ILogger logger, int registeredClusters)
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/limits");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // not Linux, or no /proc: nothing to say
        }
        if (Parse(text) is not { } limit)
        {
            return;
        }
        if (IsTight(limit, registeredClusters))
        {
            LogTight(logger, limit, AgentCapacity(limit), registeredClusters);
        }
        else
        {
            LogCapacity(logger, limit, AgentCapacity(limit));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Open-file limit {Limit}: room for about {Capacity} connected agents in this process")]
    private static partial void LogCapacity(ILogger logger, long limit, long capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Open-file limit {Limit} leaves room for about {Capacity} connected agents and {Registered} clusters are registered; each agent holds one open file: raise the limit (LimitNOFILE, ulimit -n, docker --ulimit nofile) or spread agents over more hub processes")]
    private static partial void LogTight(ILogger logger, long limit, long capacity, int registered);
}
