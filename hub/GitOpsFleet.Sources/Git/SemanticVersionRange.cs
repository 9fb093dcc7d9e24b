namespace GitOpsFleet.Sources.Git;

/// <summary>
/// A version range over tags, npm/Masterminds style: comparators separated by spaces are AND-ed, "||" ORs groups.
/// Comparators: <c>&gt;= &gt; &lt;= &lt; =</c>, <c>~1.2</c> (&gt;=1.2.0 &lt;1.3.0), <c>^1.2</c> (&gt;=1.2.0 &lt;2.0.0),
/// wildcards <c>1.x</c>, <c>1.2.*</c>, <c>*</c>. Pre-release tags match only when a comparator names a pre-release.
/// </summary>
internal sealed class SemanticVersionRange
{
    private readonly List<List<(string Op, SemanticVersion Version)>> _groups;
    private readonly bool _allowPrerelease;

    private SemanticVersionRange(List<List<(string, SemanticVersion)>> groups, bool allowPrerelease)
    {
        _groups = groups;
        _allowPrerelease = allowPrerelease;
    }

    /// <summary>True when <paramref name="revision"/> reads as a range rather than a branch, tag or commit.</summary>
    public static bool LooksLikeRange(string revision)
    {
        var r = revision.Trim();
        return r.Length > 0 && (r[0] is '>' or '<' or '=' or '~' or '^' || r == "*" || r.Contains(' ') || r.Contains("||", StringComparison.Ordinal)
            || System.Text.RegularExpressions.Regex.IsMatch(r, @"^[vV]?\d+(\.(\d+|[xX*]))*$") && (r.EndsWith(".x", StringComparison.OrdinalIgnoreCase) || r.EndsWith(".*", StringComparison.Ordinal)));
    }

    public static SemanticVersionRange Parse(string text, RepositorySpec repository)
    {
        var groups = new List<List<(string, SemanticVersion)>>();
        var allowPrerelease = false;
        foreach (var group in text.Split("||", StringSplitOptions.TrimEntries))
        {
            var comparators = new List<(string, SemanticVersion)>();
            var tokens = Tokens(group);
            foreach (var token in tokens)
            {
                var op = new string(token.TakeWhile(c => c is '>' or '<' or '=' or '~' or '^').ToArray());
                var operand = token[op.Length..].Trim();
                if (operand is "*" or "x" or "X" && op.Length == 0) continue; // matches everything
                var (version, wildcardDepth) = ParseOperand(operand, token, repository);
                allowPrerelease |= version.IsPrerelease;
                comparators.AddRange(Expand(op, version, wildcardDepth, token, repository));
            }

            groups.Add(comparators);
        }

        return new SemanticVersionRange(groups, allowPrerelease);
    }

    public bool Matches(SemanticVersion version)
    {
        if (version.IsPrerelease && !_allowPrerelease) return false;
        return _groups.Any(g => g.All(c => Satisfies(version, c.Op, c.Version)));
    }

    private static bool Satisfies(SemanticVersion v, string op, SemanticVersion bound)
    {
        var c = v.CompareTo(bound);
        return op switch
        {
            ">=" => c >= 0,
            ">" => c > 0,
            "<=" => c <= 0,
            "<" => c < 0,
            _ => c == 0,
        };
    }

    // ">= 1.2" is one comparator: glue an operator to the version after it.
    private static List<string> Tokens(string group)
    {
        var raw = group.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tokens = new List<string>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i].All(c => c is '>' or '<' or '=' or '~' or '^') && i + 1 < raw.Length)
                tokens.Add(raw[i] + raw[++i]);
            else
                tokens.Add(raw[i]);
        }

        return tokens;
    }

    /// <summary>The operand as a version, and how many of its parts were given (3 for "1.2.3", 2 for "1.2" or "1.2.x").</summary>
    private static (SemanticVersion Version, int Given) ParseOperand(string operand, string token, RepositorySpec repository)
    {
        var s = operand.TrimStart('v', 'V');
        var core = s.Split('-', 2)[0].Split('+', 2)[0];
        var parts = core.Split('.').ToList();
        var given = parts.TakeWhile(p => p is not ("x" or "X" or "*")).Count();
        if (given == 0 || parts.Count > 3)
            throw new SourceException($"version range term '{token}' is not understood (repository {repository.Name})");
        var text = string.Join('.', parts.Take(given).Concat(Enumerable.Repeat("0", 3 - given)));
        if (s.Length > core.Length && given == 3) text += s[core.Length..];
        if (!SemanticVersion.TryParse(text, out var version))
            throw new SourceException($"version range term '{token}' is not understood (repository {repository.Name})");
        return (version, given);
    }

    private static IEnumerable<(string, SemanticVersion)> Expand(string op, SemanticVersion v, int given, string token, RepositorySpec repository)
    {
        SemanticVersion Next(int part) => part switch
        {
            0 => new SemanticVersion(v.Major + 1, 0, 0, string.Empty),
            1 => new SemanticVersion(v.Major, v.Minor + 1, 0, string.Empty),
            _ => new SemanticVersion(v.Major, v.Minor, v.Patch + 1, string.Empty),
        };

        switch (op)
        {
            case "~":
                yield return (">=", v);
                yield return ("<", Next(given >= 2 ? 1 : 0));
                break;
            case "^":
                yield return (">=", v);
                yield return ("<", v.Major > 0 || given == 1 ? Next(0) : v.Minor > 0 || given == 2 ? Next(1) : Next(2));
                break;
            case "" or "=" when given < 3:
                yield return (">=", v);
                yield return ("<", Next(given - 1));
                break;
            case "" or "=":
                yield return ("=", v);
                break;
            case ">" when given < 3:
                yield return (">=", Next(given - 1));
                break;
            case "<=" when given < 3:
                yield return ("<", Next(given - 1));
                break;
            case ">=" or ">" or "<=" or "<":
                yield return (op, v);
                break;
            default:
                throw new SourceException($"version range term '{token}' has an unknown operator '{op}' (repository {repository.Name})");
        }
    }
}
