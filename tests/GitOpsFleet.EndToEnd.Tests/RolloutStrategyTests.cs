using GitOpsFleet.Hub.Grains;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>The strategy arithmetic the rollout grain relies on (no hub needed).</summary>
public sealed class RolloutStrategyTests
{
    [Theory]
    [InlineData("", 9, 9)]
    [InlineData("2", 9, 2)]
    [InlineData("50%", 3, 2)]
    [InlineData("10%", 1000, 100)]
    [InlineData("1%", 3, 1)]
    [InlineData("100%", 7, 7)]
    [InlineData("", 0, 1)]
    public void Parallelism_CountPercentOrAll(string maxParallel, int size, int expected)
    {
        Assert.Equal(expected, RolloutStrategyModel.Parallelism(maxParallel, size));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("3", true)]
    [InlineData("25%", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("0%", false)]
    [InlineData("101%", false)]
    [InlineData("many", false)]
    public void IsValidParallelism_PositiveCountOrPercentUpTo100(string maxParallel, bool valid)
    {
        Assert.Equal(valid, RolloutStrategyModel.IsValidParallelism(maxParallel));
    }

    [Fact]
    public void ProgressDeadline_ZeroMeansTheDefault()
    {
        var strategy = new RolloutStrategyModel([], RolloutStrategyModel.PolicyPause, 0, 0, RolloutStrategyModel.DisconnectedWait);
        Assert.Equal(RolloutStrategyModel.DefaultProgressDeadline, strategy.ProgressDeadline);
        Assert.Equal(TimeSpan.FromSeconds(5), (strategy with { ProgressDeadlineSeconds = 5 }).ProgressDeadline);
        Assert.False(strategy.RollsBack);
        Assert.True((strategy with { FailurePolicy = RolloutStrategyModel.PolicyRollback }).RollsBack);
    }
}
