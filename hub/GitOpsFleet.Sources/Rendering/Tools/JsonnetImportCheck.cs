namespace GitOpsFleet.Sources.Rendering.Tools;

/// <summary>
/// Refuses Jsonnet sources whose imports could read outside the checkout. Jsonnet only accepts string literals
/// after import/importstr/importbin, so checking every literal in every file is complete.
/// </summary>
internal static class JsonnetImportCheck
{
    private static readonly string[] Keywords = ["importstr", "importbin", "import"];

    public static void Check(string root, IReadOnlyList<string> libraryPaths, string label)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (!file.EndsWith(".jsonnet", StringComparison.Ordinal) && !file.EndsWith(".libsonnet", StringComparison.Ordinal)) continue;
            var relativeFile = RepositoryPaths.Relative(root, file);
            foreach (var import in Imports(File.ReadAllText(file), relativeFile, label))
            {
                var bases = new[] { Path.GetDirectoryName(file)! }.Concat(libraryPaths);
                if (import.Length == 0 || bases.Any(b => !RepositoryPaths.StaysInside(root, b, import)))
                    throw new SourceException($"{relativeFile}: import '{import}' points outside the repository; imports must stay inside it ({label})");
            }
        }
    }

    /// <summary>The literal paths after import keywords, skipping comments and other strings.</summary>
    internal static IEnumerable<string> Imports(string text, string file, string label)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/' || c == '#')
            {
                i = text.IndexOf('\n', i) is var nl && nl < 0 ? text.Length : nl;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else if (c is '"' or '\'' or '@' && TryReadString(text, i, out _, out var next))
            {
                i = next;
            }
            else if (c == '|' && text.AsSpan(i).StartsWith("|||"))
            {
                var end = text.IndexOf("|||", i + 3, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 3;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                var word = text[start..i];
                if (!Keywords.Contains(word)) continue;
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                if (i >= text.Length || !TryReadString(text, i, out var path, out var after))
                    throw new SourceException($"{file}: '{word}' must be followed by a plain string literal ({label})");
                i = after;
                yield return path;
            }
            else
            {
                i++;
            }
        }
    }

    private static bool TryReadString(string text, int start, out string value, out int next)
    {
        value = string.Empty;
        next = start;
        var verbatim = text[start] == '@';
        var q = start + (verbatim ? 1 : 0);
        if (q >= text.Length || text[q] is not ('"' or '\'')) return false;
        var quote = text[q];
        var sb = new System.Text.StringBuilder();
        for (var i = q + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (verbatim && c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    sb.Append(quote);
                    i++;
                    continue;
                }

                value = sb.ToString();
                next = i + 1;
                return true;
            }

            if (!verbatim && c == '\\')
            {
                if (i + 1 >= text.Length) return false;
                var e = text[++i];
                if (e == 'u')
                {
                    if (i + 4 >= text.Length || !int.TryParse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code))
                        return false;
                    sb.Append((char)code);
                    i += 4;
                    continue;
                }

                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => e });
                continue;
            }

            if (!verbatim && c == quote)
            {
                value = sb.ToString();
                next = i + 1;
                return true;
            }

            sb.Append(c);
        }

        return false;
    }
}
