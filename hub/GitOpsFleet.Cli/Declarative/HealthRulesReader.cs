using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>
/// Reads <c>spec.syncPolicy.healthRules</c>: per kind (<c>group</c>, <c>kind</c>) a list of <c>checks</c>, each either
/// <c>condition: {type, status}</c> or <c>field: {path, equals}</c>, with <c>health</c> and an optional <c>message</c>.
/// </summary>
internal static class HealthRulesReader
{
    public static IEnumerable<HealthRule> Read(StrictMap sync)
    {
        var rules = new List<HealthRule>();
        foreach (var rule in sync.Maps("healthRules"))
        {
            var proto = new HealthRule
            {
                Group = rule.String("group") ?? string.Empty,
                Kind = rule.String("kind") ?? throw new CliException("spec.syncPolicy.healthRules: every rule needs a kind"),
            };
            foreach (var check in rule.Maps("checks"))
            {
                var condition = check.Map("condition");
                var field = check.Map("field");
                var item = new HealthCheck
                {
                    ConditionType = condition.String("type") ?? string.Empty,
                    ConditionStatus = condition.String("status") ?? string.Empty,
                    JsonPath = field.String("path") ?? string.Empty,
                    Equals_ = field.String("equals") ?? string.Empty,
                    Health = ParseHealth(check.String("health"), proto.Kind),
                    Message = check.String("message") ?? string.Empty,
                };
                condition.Done();
                field.Done();
                check.Done();
                if ((item.ConditionType.Length == 0) == (item.JsonPath.Length == 0))
                {
                    throw new CliException($"spec.syncPolicy.healthRules: a check of kind {proto.Kind} needs exactly one of condition.type or field.path");
                }
                proto.Checks.Add(item);
            }
            rule.Done();
            rules.Add(proto);
        }
        return rules;
    }

    private static HealthStatus ParseHealth(string? text, string kind) => text switch
    {
        "Healthy" => HealthStatus.Healthy,
        "Progressing" => HealthStatus.Progressing,
        "Degraded" => HealthStatus.Degraded,
        "Suspended" => HealthStatus.Suspended,
        "Missing" => HealthStatus.Missing,
        _ => throw new CliException($"spec.syncPolicy.healthRules: health of a check of kind {kind} must be Healthy, Progressing, Degraded, Suspended or Missing, not '{text}'"),
    };
}
