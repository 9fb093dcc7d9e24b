using System.Globalization;

namespace GitOpsFleet.Bench;

/// <summary>The options every scenario reads: "--name value" pairs and bare flags.</summary>
internal sealed class BenchArgs(string[] args)
{
    public int Int(string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public string Text(string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public bool Flag(string name) => args.Contains(name);

    /// <summary>Where the JSON results go: --out DIR, default ./bench-results.</summary>
    public string OutDirectory => Text("--out", "bench-results");
}
