using System.Text.Json.Nodes;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Label and field selectors as the API server parses them from list and watch queries.</summary>
internal sealed class Selectors
{
    private readonly List<Func<JsonObject, bool>> _tests = [];

    public bool IsEmpty => _tests.Count == 0;

    public bool Matches(JsonObject obj)
    {
        foreach (var test in _tests)
        {
            if (!test(obj))
            {
                return false;
            }
        }
        return true;
    }

    public static Selectors Parse(string? labelSelector, string? fieldSelector)
    {
        var s = new Selectors();
        foreach (var term in SplitTerms(labelSelector))
        {
            s._tests.Add(ParseLabelTerm(term));
        }
        foreach (var term in SplitTerms(fieldSelector))
        {
            s._tests.Add(ParseFieldTerm(term));
        }
        return s;
    }

    // Commas inside "in (a,b)" do not split terms.
    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            yield break;
        }
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0)
            {
                yield return selector[start..i].Trim();
                start = i + 1;
            }
        }
        yield return selector[start..].Trim();
    }

    private static string? Label(JsonObject o, string key) => o["metadata"]?["labels"]?[key]?.GetValue<string>();

    private static Func<JsonObject, bool> ParseLabelTerm(string term)
    {
        if (term.Length == 0)
        {
            throw ApiException.BadRequest("unable to parse requirement: empty label selector term");
        }
        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return o => Label(o, key) is null;
        }
        var inAt = term.IndexOf(" notin ", StringComparison.Ordinal);
        if (inAt > 0)
        {
            var key = term[..inAt].Trim();
            var values = ParseSet(term[(inAt + 7)..]);
            return o => Label(o, key) is not { } v || !values.Contains(v);
        }
        inAt = term.IndexOf(" in ", StringComparison.Ordinal);
        if (inAt > 0)
        {
            var key = term[..inAt].Trim();
            var values = ParseSet(term[(inAt + 4)..]);
            return o => Label(o, key) is { } v && values.Contains(v);
        }
        var (k, op, val) = SplitOperator(term);
        return op switch
        {
            null => o => Label(o, k) is not null,
            "!=" => o => Label(o, k) != val,
            _ => o => Label(o, k) == val,
        };
    }

    private static HashSet<string> ParseSet(string text)
    {
        text = text.Trim();
        if (!text.StartsWith('(') || !text.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{text}', expected: '('");
        }
        return [.. text[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    private static (string Key, string? Op, string? Value) SplitOperator(string term)
    {
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), op, term[(at + op.Length)..].Trim());
            }
        }
        return (term.Trim(), null, null);
    }

    private static Func<JsonObject, bool> ParseFieldTerm(string term)
    {
        var (path, op, value) = SplitOperator(term);
        if (op is null)
        {
            throw ApiException.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
        }
        var parts = path.Split('.');
        return o =>
        {
            JsonNode? node = o;
            foreach (var p in parts)
            {
                node = node is JsonObject jo ? jo[p] : null;
            }
            var actual = node switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => node.ToJsonString(),
            };
            return op == "!=" ? actual != value : actual == value;
        };
    }
}
