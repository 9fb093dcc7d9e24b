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

    /// <summary>Every "NAME K=V" pair (repeatable option) as a dictionary.</summary>
    public Dictionary<string, string> Pairs(string name)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name && args[i + 1].Split('=', 2) is [var key, var value])
            {
                pairs[key] = value;
            }
        }
        return pairs;
    }

    /// <summary>Where the JSON results go: --out DIR, default ./bench-results.</summary>
    public string OutDirectory => Text("--out", "bench-results");
}
