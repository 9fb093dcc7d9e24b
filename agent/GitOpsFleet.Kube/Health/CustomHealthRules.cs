using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Health;

/// <summary>Evaluates the application's own health rules; consulted before the built-in rule for a kind.</summary>
internal static class CustomHealthRules
{
    /// <summary>The verdict of the first matching check of the rule for the object's kind; null when no rule or check applies.</summary>
    public static HealthResult? Evaluate(JsonObject live, string group, string kind, IReadOnlyList<HealthRule> rules)
    {
        foreach (var rule in rules)
        {
            if (!string.Equals(rule.Kind, kind, StringComparison.Ordinal) || !string.Equals(rule.Group, group, StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var check in rule.Checks)
            {
                if (Matches(live, check, out var matched))
                {
                    return new HealthResult(check.Health, check.Message.Length > 0 ? check.Message : matched);
                }
            }
        }
        return null;
    }

    private static bool Matches(JsonObject live, HealthCheck check, out string matched)
    {
        if (check.ConditionType.Length > 0)
        {
            var condition = live.Condition(check.ConditionType);
            var status = condition.Str("status") ?? "";
            matched = $"{check.ConditionType} is {status}" + (condition.Str("message") is { Length: > 0 } m ? $": {m}" : "");
            return condition is not null && (check.ConditionStatus.Length == 0 || string.Equals(status, check.ConditionStatus, StringComparison.OrdinalIgnoreCase));
        }
        if (check.JsonPath.Length > 0)
        {
            var node = live.At(SplitPath(check.JsonPath));
            var text = node switch
            {
                null => null,
                JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
                _ => node.ToJsonString(),
            };
            matched = $"{check.JsonPath} is {text}";
            return text is not null && (check.EqualsValue.Length == 0 || string.Equals(text, check.EqualsValue, StringComparison.Ordinal));
        }
        matched = "";
        return false;
    }

    /// <summary>"status.phase", "$.status.phase" and "/status/phase" all name the same field.</summary>
    internal static string[] SplitPath(string path)
    {
        if (path.StartsWith('/'))
        {
            // JSON pointer: ~1 is '/', ~0 is '~' (RFC 6901).
            return path[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        }
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('.') ? path[1..] : path;
        return trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }
}
