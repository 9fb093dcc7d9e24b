using System.Globalization;

namespace GitOpsFleet.Bench;

/// <summary>
/// The labels a scenario's clusters ask for at registration, by the cluster's index in the whole fleet, named by a
/// scheme string so an `agents` worker process gives the same labels as this process: "none", "waves"
/// (WavesScenario's three waves) or "probe:K" (probe=yes on every K'th cluster, probe=no on the rest).
/// </summary>
internal static class BenchLabels
{
    public const string None = "none";
    public const string Waves = "waves";

    public static string Probe(int every) => "probe:" + every.ToString(CultureInfo.InvariantCulture);

    /// <summary>The labels of the cluster at each index under <paramref name="scheme"/>; null for "none".</summary>
    public static Func<int, IDictionary<string, string>>? For(string scheme) => scheme switch
    {
        None or "" => null,
        // Every tenth in wave 1, the next three of each ten in wave 2, the rest in no labelled wave.
        Waves => i => new Dictionary<string, string> { ["wave"] = (i % 10) switch { 0 => "1", 1 or 2 or 3 => "2", _ => "3" } },
        _ when scheme.StartsWith("probe:", StringComparison.Ordinal) && int.TryParse(scheme["probe:".Length..], CultureInfo.InvariantCulture, out var every) && every > 0 =>
            i => new Dictionary<string, string> { ["probe"] = i % every == 0 ? "yes" : "no" },
        _ => throw new ArgumentException($"label scheme '{scheme}' is unknown; use none, waves or probe:K", nameof(scheme)),
    };
}
