using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Tests.Health;

public sealed class CustomHealthRulesTests
{
    private static readonly HealthRule[] Rules =
    [
        new("db.example.com", "Database",
        [
            new HealthCheck("", "", "status.phase", "Ready", HealthState.Healthy),
            new HealthCheck("", "", "/status/phase", "Failed", HealthState.Degraded, "database failed"),
            new HealthCheck("", "", "$.status.phase", "", HealthState.Progressing),
        ]),
        new("infra.example.com", "Release",
        [
            new HealthCheck("Synced", "False", "", "", HealthState.Degraded),
            new HealthCheck("Synced", "True", "", "", HealthState.Healthy),
        ]),
        new("", "ConfigMap",
        [
            // Keys with dots or slashes need a JSON pointer (~1 is "/").
            new HealthCheck("", "", "/metadata/labels/example.com~1state", "paused", HealthState.Suspended),
        ]),
    ];

    [Theory]
    [InlineData("database-ready.yaml", HealthState.Healthy)]
    [InlineData("database-failed.yaml", HealthState.Degraded)]
    [InlineData("database-creating.yaml", HealthState.Progressing)]
    [InlineData("database-ready-stale.yaml", HealthState.Progressing)]
    [InlineData("release-synced-false.yaml", HealthState.Degraded)]
    [InlineData("release-synced-true.yaml", HealthState.Healthy)]
    [InlineData("configmap-suspended-label.yaml", HealthState.Suspended)]
    public void Evaluate_CustomRule_DecidesBeforeBuiltIn(string fixture, HealthState expected)
    {
        var result = HealthEvaluator.Evaluate(YamlJson.Load(Path.Combine("health", "custom", fixture)), Rules);

        Assert.True(expected == result.State, $"{fixture}: expected {expected}, got {result.State} ({result.Message})");
    }

    [Fact]
    public void Evaluate_FailedPhase_UsesRuleMessage()
    {
        var result = HealthEvaluator.Evaluate(YamlJson.Load(Path.Combine("health", "custom", "database-failed.yaml")), Rules);

        Assert.Equal("database failed", result.Message);
    }

    [Fact]
    public void Evaluate_ConditionMatched_MessageNamesCondition()
    {
        var result = HealthEvaluator.Evaluate(YamlJson.Load(Path.Combine("health", "custom", "release-synced-false.yaml")), Rules);

        Assert.Equal("Synced is False: cannot pull chart", result.Message);
    }

    [Fact]
    public void Evaluate_NoCheckMatches_FallsBackToBuiltInRule()
    {
        var live = YamlJson.Load(Path.Combine("health", "custom", "release-no-conditions.yaml"));

        Assert.Equal(HealthState.Healthy, HealthEvaluator.Evaluate(live, Rules).State);
    }

    [Fact]
    public void Evaluate_RuleForOtherGroup_DoesNotApply()
    {
        var live = YamlJson.Load(Path.Combine("health", "custom", "database-failed.yaml"));
        HealthRule[] otherGroup = [new("other.example.com", "Database", [new HealthCheck("", "", "status.phase", "Failed", HealthState.Degraded)])];

        // Without a matching rule the generic Ready condition decides.
        Assert.Equal(HealthState.Healthy, HealthEvaluator.Evaluate(live, otherGroup).State);
    }
}
