using GitOpsFleet.Agent.Hub;

namespace GitOpsFleet.Agent.Tests;

public sealed class AgentOptionsTests
{
    [Fact]
    public void Parse_AllFlags_Read()
    {
        var options = AgentProgram.Parse(["--hub", "http://hub:8081", "--join-token", "t", "--cluster-name", "prod-1", "--label", "env=prod", "--label", "wave=1", "--namespace", "ops", "--simulate"]);
        Assert.Equal("http://hub:8081", options.HubUrl);
        Assert.Equal("t", options.JoinToken);
        Assert.Equal("prod-1", options.ClusterName);
        Assert.Equal("prod", options.Labels["env"]);
        Assert.Equal("1", options.Labels["wave"]);
        Assert.Equal("ops", options.Namespace);
        Assert.True(options.Simulate);
        options.Validate();
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown flag")]
    [InlineData(new[] { "--hub" }, "--hub needs a value")]
    [InlineData(new[] { "--label", "novalue" }, "key=value")]
    public void Parse_BadFlags_ClearError(string[] args, string expected)
        => Assert.Contains(expected, Assert.Throws<ArgumentException>(() => AgentProgram.Parse(args)).Message);

    [Theory]
    [InlineData("", "c1", "--hub")]
    [InlineData("ftp://x", "c1", "--hub")]
    [InlineData("http://hub:8081", "Bad_Name", "--cluster-name")]
    public void Validate_BadOptions_SaysHowToFix(string hub, string cluster, string flag)
    {
        var ex = Assert.Throws<ArgumentException>(() => new AgentOptions { HubUrl = hub, ClusterName = cluster }.Validate());
        Assert.Contains(flag, ex.Message);
    }

    [Fact]
    public void Validate_SimulateAndKubeconfig_Rejected()
        => Assert.Contains("exclude", Assert.Throws<ArgumentException>(() => new AgentOptions { HubUrl = "http://h:1", ClusterName = "c", Simulate = true, KubeconfigPath = "/nope" }.Validate()).Message);

    [Fact]
    public void Backoff_FullJitter_StaysInGrowingWindowUpToCap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(42));
        var caps = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var cap = backoff.CurrentCap;
            var delay = backoff.Next();
            Assert.InRange(delay, TimeSpan.Zero, cap);
            caps.Add(cap);
        }
        Assert.Equal(TimeSpan.FromSeconds(1), caps[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), caps[1]);
        Assert.Equal(TimeSpan.FromSeconds(60), caps[^1]);
        backoff.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.CurrentCap);
    }

    [Fact]
    public void Backoff_ManyAgents_SpreadOverWindow()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 1000).Select(_ => { var b = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), random); for (var i = 0; i < 6; i++) b.Next(); return b.Next(); }).ToList();
        // Window is 60 s here: with full jitter no single second gets more than a few percent of agents.
        var busiest = delays.GroupBy(d => (int)d.TotalSeconds).Max(g => g.Count());
        Assert.True(busiest < 60, $"busiest second had {busiest} of 1000 agents");
    }
}
