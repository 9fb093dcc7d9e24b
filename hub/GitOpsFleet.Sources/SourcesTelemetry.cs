using System.Diagnostics;

namespace GitOpsFleet.Sources;

/// <summary>The project's one ActivitySource: a span per fetch and per render (cache misses only).</summary>
public static class SourcesTelemetry
{
    /// <summary>The ActivitySource name to subscribe to: "GitOpsFleet.Sources".</summary>
    public const string ActivitySourceName = "GitOpsFleet.Sources";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
