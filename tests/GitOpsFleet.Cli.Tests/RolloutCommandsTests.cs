using GitOpsFleet.Cli.Commands;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class RolloutCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public void ParseWave_AllOptions_Parse()
    {
        var wave = RolloutCommands.ParseWave("canary:wave=1,tier=web:max=25%:bake=2m:approve");

        Assert.Equal(("canary", "1", "web", "25%", 120, true),
            (wave.Name, wave.Selector["wave"], wave.Selector["tier"], wave.MaxParallel, wave.BakeSeconds, wave.RequireApproval));
    }

    [Fact]
    public void ParseWave_StarSelector_MatchesEveryCluster()
    {
        var wave = RolloutCommands.ParseWave("rest:*");

        Assert.Equal(("rest", 0, "", 0, false), (wave.Name, wave.Selector.Count, wave.MaxParallel, wave.BakeSeconds, wave.RequireApproval));
    }

    [Theory]
    [InlineData("canary")]
    [InlineData(":wave=1")]
    [InlineData("canary:wave=1:fast")]
    public void ParseWave_Malformed_NamesTheValue(string text)
    {
        var error = Assert.Throws<CliException>(() => RolloutCommands.ParseWave(text));
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public async Task AppCreate_WithWaves_SendsTheStrategy()
    {
        var result = await _hub.RunAsync("app", "create", "web", "--repo", "demo", "--wave", "canary:wave=1:max=1", "--wave", "rest:*:approve",
            "--failure-policy", "rollback", "--progress-deadline", "5m");

        Assert.Equal(0, result.ExitCode);
        var strategy = Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests)).Application.Spec.Rollout;
        Assert.Equal(("rollback", 300, 2), (strategy.FailurePolicy, strategy.ProgressDeadlineSeconds, strategy.Waves.Count));
        Assert.True(strategy.Waves[1].RequireApproval);
    }

    [Fact]
    public async Task AppCreate_WithoutWaves_SendsNoStrategy()
    {
        var result = await _hub.RunAsync("app", "create", "web", "--repo", "demo");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(Assert.IsType<CreateApplicationRequest>(Assert.Single(_hub.Service.Requests)).Application.Spec.Rollout);
    }

    [Fact]
    public void Write_ShowsWavesClustersAndPhases()
    {
        var rollout = new Rollout { Application = "web", FromRevision = "aaaaaaaaaa", ToRevision = "bbbbbbbbbb", Phase = "Paused", Reason = "wave w1 failed on c1" };
        var wave = new RolloutWaveStatus { Name = "w1", Phase = "Failed" };
        wave.Clusters.Add(new RolloutCluster { Cluster = "c1", Phase = "Failed", Revision = "bbbbbbbbbb", Message = "Degraded" });
        rollout.Waves.Add(wave);
        var output = new StringWriter();

        RolloutCommands.Write(rollout, output);

        var text = output.ToString();
        Assert.Contains("aaaaaaa -> bbbbbbb  Paused", text);
        Assert.Contains("wave w1 failed on c1", text);
        Assert.Matches(@"c1\s+Failed\s+bbbbbbb", text);
    }
}
