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

    [Fact]
    public async Task Status_Watch_PrintsEachChangeAndEndsWhenTheRolloutEnds()
    {
        _hub.Service.Rollouts = call => Rollout(call switch { 0 => "Progressing", 1 => "WaitingApproval", _ => "Succeeded" }, call);

        var result = await _hub.RunAsync("rollout", "status", "web", "--watch");

        Assert.Equal(0, result.ExitCode);
        // Three answers, each printed as it came; the third (Succeeded) ends the watch without asking again.
        Assert.Equal(3, _hub.Service.GetRolloutCalls);
        var phases = System.Text.RegularExpressions.Regex.Matches(result.Stdout, @"aaaaaaa -> bbbbbbb  (\w+)").Select(m => m.Groups[1].Value);
        Assert.Equal(["Progressing", "WaitingApproval", "Succeeded"], phases);
        Assert.Contains("cluster-2", result.Stdout);
    }

    [Fact]
    public async Task Status_WithoutWatch_AsksOnce()
    {
        _hub.Service.Rollouts = call => Rollout("Progressing", call);

        var result = await _hub.RunAsync("rollout", "status", "web");

        Assert.Equal((0, 1), (result.ExitCode, _hub.Service.GetRolloutCalls));
    }

    [Fact]
    public async Task Plan_PrintsFilesAndResourcesInTheirOwnSections()
    {
        _hub.Service.Plan = PlanWithChanges();

        var result = await _hub.RunAsync("rollout", "plan", "web");

        Assert.Equal(0, result.ExitCode);
        var text = result.Stdout.Replace("\r\n", "\n");
        Assert.Contains("Files (under the application's path):\n  M app/configmap.yaml\n  R app/old.yaml -> app/new.yaml\n", text);
        Assert.Contains("Resources (rendered for the first cluster):\n  ~ ConfigMap web/web-config\n", text);
        Assert.Matches(@"w1\s+c1\s+aaaaaaaa -> bbbbbbbb", text);
    }

    [Fact]
    public async Task Plan_NoChangedFiles_SaysNone()
    {
        var plan = PlanWithChanges();
        plan.ChangedFiles.Clear();
        _hub.Service.Plan = plan;

        var result = await _hub.RunAsync("rollout", "plan", "web");

        Assert.Contains("Files (under the application's path):\n  (none)\n", result.Stdout.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Plan_JsonOutput_CarriesFilesAndResources()
    {
        _hub.Service.Plan = PlanWithChanges();

        var result = await _hub.RunAsync("rollout", "plan", "web", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(["M app/configmap.yaml", "R app/old.yaml -> app/new.yaml"],
            json.RootElement.GetProperty("changedFiles").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["~ ConfigMap web/web-config"], json.RootElement.GetProperty("changedResources").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(true, "application web rolled back to v1 on every cluster")]
    [InlineData(false, "rollback of application web to v1 started; follow it with `fleet rollout status web --watch`")]
    public async Task AppRollback_AllAtOnceFlag_IsSentAndReported(bool allAtOnce, string expected)
    {
        string[] args = allAtOnce ? ["app", "rollback", "web", "--to", "v1", "--all-at-once"] : ["app", "rollback", "web", "--to", "v1"];

        var result = await _hub.RunAsync(args);

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<RollbackApplicationRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal(("web", "v1", allAtOnce), (request.Name, request.ToRevision, request.AllAtOnce));
        Assert.Equal(expected, result.Stdout.Trim());
    }

    private static Rollout Rollout(string phase, int call)
    {
        var rollout = new Rollout { Application = "web", FromRevision = "aaaaaaaaaa", ToRevision = "bbbbbbbbbb", Phase = phase };
        var wave = new RolloutWaveStatus { Name = "w1", Phase = "Progressing" };
        wave.Clusters.Add(new RolloutCluster { Cluster = $"cluster-{call}", Phase = "Progressing" });
        rollout.Waves.Add(wave);
        return rollout;
    }

    private static RolloutPlan PlanWithChanges()
    {
        var plan = new RolloutPlan { Application = "web", FromRevision = "aaaaaaaaaa", ToRevision = "bbbbbbbbbb" };
        var wave = new RolloutWaveStatus { Name = "w1" };
        wave.Clusters.Add(new RolloutCluster { Cluster = "c1", Message = "aaaaaaaa -> bbbbbbbb" });
        plan.Waves.Add(wave);
        plan.ChangedFiles.Add(["M app/configmap.yaml", "R app/old.yaml -> app/new.yaml"]);
        plan.ChangedResources.Add("~ ConfigMap web/web-config");
        return plan;
    }
}
