using GitOpsFleet.Kube.Health;

namespace GitOpsFleet.Kube.Tests.Health;

public sealed class HealthEvaluatorTests
{
    private static void AssertHealth(string fixture, HealthState expected)
    {
        var obj = YamlJson.Load(Path.Combine("health", fixture));
        var result = HealthEvaluator.Evaluate(obj);
        Assert.True(expected == result.State, $"{fixture}: expected {expected}, got {result.State} ({result.Message})");
    }

    [Theory]
    [InlineData("deployment-healthy.yaml", HealthState.Healthy)]
    [InlineData("deployment-progressing.yaml", HealthState.Progressing)]
    [InlineData("deployment-stale-generation.yaml", HealthState.Progressing)]
    [InlineData("deployment-degraded.yaml", HealthState.Degraded)]
    [InlineData("deployment-paused.yaml", HealthState.Suspended)]
    [InlineData("statefulset-healthy.yaml", HealthState.Healthy)]
    [InlineData("statefulset-progressing.yaml", HealthState.Progressing)]
    [InlineData("daemonset-healthy.yaml", HealthState.Healthy)]
    [InlineData("daemonset-progressing.yaml", HealthState.Progressing)]
    [InlineData("replicaset-healthy.yaml", HealthState.Healthy)]
    [InlineData("replicaset-degraded.yaml", HealthState.Degraded)]
    [InlineData("pod-running.yaml", HealthState.Healthy)]
    [InlineData("pod-pending.yaml", HealthState.Progressing)]
    [InlineData("pod-crashloop.yaml", HealthState.Degraded)]
    [InlineData("pod-failed.yaml", HealthState.Degraded)]
    [InlineData("pod-succeeded.yaml", HealthState.Healthy)]
    [InlineData("job-complete.yaml", HealthState.Healthy)]
    [InlineData("job-failed.yaml", HealthState.Degraded)]
    [InlineData("job-running.yaml", HealthState.Progressing)]
    [InlineData("job-suspended.yaml", HealthState.Suspended)]
    [InlineData("cronjob-active.yaml", HealthState.Healthy)]
    [InlineData("cronjob-suspended.yaml", HealthState.Suspended)]
    [InlineData("service-clusterip.yaml", HealthState.Healthy)]
    [InlineData("service-loadbalancer-pending.yaml", HealthState.Progressing)]
    [InlineData("service-loadbalancer-ready.yaml", HealthState.Healthy)]
    [InlineData("ingress-healthy.yaml", HealthState.Healthy)]
    [InlineData("ingress-progressing.yaml", HealthState.Progressing)]
    [InlineData("pvc-bound.yaml", HealthState.Healthy)]
    [InlineData("pvc-pending.yaml", HealthState.Progressing)]
    [InlineData("pvc-lost.yaml", HealthState.Degraded)]
    [InlineData("crd-established.yaml", HealthState.Healthy)]
    [InlineData("crd-pending.yaml", HealthState.Progressing)]
    [InlineData("crd-names-rejected.yaml", HealthState.Degraded)]
    [InlineData("hpa-healthy.yaml", HealthState.Healthy)]
    [InlineData("hpa-degraded.yaml", HealthState.Degraded)]
    [InlineData("hpa-no-conditions.yaml", HealthState.Progressing)]
    [InlineData("generic-ready-true.yaml", HealthState.Healthy)]
    [InlineData("generic-ready-false.yaml", HealthState.Degraded)]
    [InlineData("generic-ready-unknown.yaml", HealthState.Progressing)]
    [InlineData("configmap.yaml", HealthState.Healthy)]
    public void Evaluate_Fixture_ReturnsExpectedHealth(string fixture, HealthState expected) => AssertHealth(fixture, expected);

    [Fact]
    public void Evaluate_Null_IsMissing() => Assert.Equal(HealthState.Missing, HealthEvaluator.Evaluate(null).State);

    [Theory]
    [InlineData(new[] { HealthState.Healthy, HealthState.Progressing }, HealthState.Progressing)]
    [InlineData(new[] { HealthState.Degraded, HealthState.Progressing, HealthState.Healthy }, HealthState.Degraded)]
    [InlineData(new[] { HealthState.Suspended, HealthState.Healthy }, HealthState.Suspended)]
    [InlineData(new HealthState[0], HealthState.Healthy)]
    public void Aggregate_States_ReturnsWorst(HealthState[] states, HealthState expected)
        => Assert.Equal(expected, HealthEvaluator.Aggregate(states));
}
