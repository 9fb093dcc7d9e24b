using System.Text;
using System.Text.RegularExpressions;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>
/// Include/exclude globs over paths relative to the application's path: <c>*</c> and <c>?</c> stay within one
/// folder, <c>**</c> crosses folders, <c>{a,b}</c> picks one. A pattern without '/' matches a file name at any depth.
/// </summary>
internal sealed class GlobMatcher
{
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public GlobMatcher(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _include = include.Where(p => !string.IsNullOrWhiteSpace(p)).Select(ToRegex).ToArray();
        _exclude = exclude.Where(p => !string.IsNullOrWhiteSpace(p)).Select(ToRegex).ToArray();
    }

    /// <summary>True when <paramref name="relativePath"/> passes the includes (none means all) and no exclude.</summary>
    public bool IsSelected(string relativePath) =>
        (_include.Length == 0 || _include.Any(r => r.IsMatch(relativePath))) && !_exclude.Any(r => r.IsMatch(relativePath));

    internal static Regex ToRegex(string pattern)
    {
        var glob = pattern.Trim().Replace('\\', '/');
        if (glob.StartsWith("./", StringComparison.Ordinal)) glob = glob[2..];
        var anyDepth = !glob.Contains('/');
        var sb = new StringBuilder(anyDepth ? "^(?:.*/)?" : "^");
        var braceDepth = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        i++;
                        sb.Append("(?:.*/)?"); // "**/" : zero or more folders
                    }
                    else
                    {
                        sb.Append(".*");
                    }

                    break;
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '{': braceDepth++; sb.Append("(?:"); break;
                case '}' when braceDepth > 0: braceDepth--; sb.Append(')'); break;
                case ',' when braceDepth > 0: sb.Append('|'); break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }

        if (braceDepth != 0)
            throw new SourceException($"glob '{pattern}' has an unclosed '{{'");
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
