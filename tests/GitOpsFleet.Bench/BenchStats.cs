namespace GitOpsFleet.Bench;

/// <summary>Percentiles (nearest rank) and medians over measured values.</summary>
internal static class BenchStats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToArray(), 50);

    /// <summary>p50, p90, p99 and max of one set of latencies.</summary>
    public static LatencySummary Summarize(IReadOnlyCollection<double> values) =>
        new(values.Count, Percentile(values, 50), Percentile(values, 90), Percentile(values, 99), values.Count == 0 ? double.NaN : values.Max());
}

/// <summary>Latency figures of one run, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max)
{
    public override string ToString() => FormattableString.Invariant($"n={Count} p50 {P50:F0} ms, p90 {P90:F0} ms, p99 {P99:F0} ms, max {Max:F0} ms");

    /// <summary>Median of each figure over several runs.</summary>
    public static LatencySummary MedianOf(IReadOnlyCollection<LatencySummary> runs) => new(
        (int)BenchStats.Median(runs.Select(r => (double)r.Count)),
        BenchStats.Median(runs.Select(r => r.P50)),
        BenchStats.Median(runs.Select(r => r.P90)),
        BenchStats.Median(runs.Select(r => r.P99)),
        BenchStats.Median(runs.Select(r => r.Max)));
}
