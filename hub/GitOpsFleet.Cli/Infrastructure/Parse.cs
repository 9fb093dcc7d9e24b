using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>Parsers for the CLI's small value syntaxes: durations (<c>1h30m</c>) and labels (<c>k=v</c>).</summary>
internal static partial class Parse
{
    /// <summary>"90", "90s", "5m", "1h30m", "2d"; a bare number is seconds.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        var matches = DurationPart().Matches(trimmed);
        if (trimmed.Length == 0 || matches.Sum(m => m.Length) != trimmed.Length)
            throw new CliException($"{option} '{text}' is not a duration; use forms like 30s, 5m, 1h30m");
        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var value = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += m.Groups["u"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                _ => TimeSpan.FromDays(value),
            };
        }

        return total;
    }

    /// <summary>Labels from repeated "k=v" values (each may also hold "k=v,k2=v2").</summary>
    public static Dictionary<string, string> Labels(IEnumerable<string>? values, string option)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                    throw new CliException($"{option} '{pair}' is not a label; use key=value");
                labels[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
        }

        return labels;
    }

    /// <summary>A repository name from its URL: the last path segment without ".git", lower-case, [a-z0-9-].</summary>
    public static string RepositoryNameFromUrl(string url)
    {
        var path = url.Trim().TrimEnd('/');
        var last = path[(path.LastIndexOfAny(['/', ':']) + 1)..];
        if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) last = last[..^4];
        var name = NotNameChar().Replace(last.ToLowerInvariant(), "-").Trim('-');
        if (name.Length == 0)
            throw new CliException($"cannot derive a repository name from '{url}'; give one: fleet repo add NAME URL");
        return name;
    }

    /// <summary>A Kubernetes-style DNS label (cluster names): lower-case letters, digits and '-', at most 63.</summary>
    public static string DnsLabel(string text, string option)
    {
        if (text.Length > 63 || !DnsLabelPattern().IsMatch(text))
            throw new CliException($"{option} '{text}' is not a valid name (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63)");
        return text;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)(?<u>ms|s|m|h|d)")]
    private static partial Regex DurationPart();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotNameChar();
}
