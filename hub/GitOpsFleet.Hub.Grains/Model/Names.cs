using System.Text.RegularExpressions;

namespace GitOpsFleet.Hub.Grains;

/// <summary>Name rules shared by the API and the agent boundary.</summary>
public static partial class Names
{
    /// <summary>A DNS label (RFC 1123): lower-case letters, digits and '-', 1..63 chars, alphanumeric at both ends.</summary>
    public static bool IsDnsLabel(string? name) => name is { Length: > 0 and <= 63 } && DnsLabel().IsMatch(name);

    /// <summary>True when every selector pair is among the labels (an empty selector matches everything).</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
