using System.Globalization;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Cli.Output;

/// <summary>How values read in tables: enums without prefixes, short SHAs, ages, labels.</summary>
internal static class Display
{
    public static string Sync(SyncStatus status) => status.ToString();

    public static string Health(HealthStatus status) => status.ToString();

    public static string Sha(string? sha) => string.IsNullOrEmpty(sha) ? "-" : sha.Length > 7 ? sha[..7] : sha;

    public static string Labels(IDictionary<string, string> labels) =>
        labels.Count == 0 ? "-" : string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>"5s", "3m", "2h", "4d" since (or until, for future times) <paramref name="unixMs"/>; "-" for 0.</summary>
    public static string Age(long unixMs, DateTimeOffset? now = null)
    {
        if (unixMs <= 0) return "-";
        var delta = (now ?? DateTimeOffset.UtcNow) - DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
        var future = delta < TimeSpan.Zero;
        var abs = delta.Duration();
        var text = abs.TotalSeconds < 60 ? $"{(int)abs.TotalSeconds}s"
            : abs.TotalMinutes < 60 ? $"{(int)abs.TotalMinutes}m"
            : abs.TotalHours < 48 ? $"{(int)abs.TotalHours}h"
            : $"{(int)abs.TotalDays}d";
        return future ? "in " + text : text;
    }

    public static string Time(long unixMs) =>
        unixMs <= 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? $"{(int)span.TotalMilliseconds}ms"
        : span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0 ? $"{(int)span.TotalHours}h"
        : span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{(int)span.TotalMinutes}m"
        : $"{(int)span.TotalSeconds}s";
}
