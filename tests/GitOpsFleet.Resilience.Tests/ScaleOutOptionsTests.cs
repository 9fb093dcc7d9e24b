using GitOpsFleet.Agent;
using GitOpsFleet.Hub;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>The flags that select the scale-out store and give agents several hub addresses.</summary>
public sealed class ScaleOutOptionsTests
{
    [Fact]
    public void HubCommandLine_Redis_SelectsRedisWithClusterAndPorts()
    {
        var options = HubCommandLine.Parse(["--redis", "10.0.0.5:6380", "--silo-port", "11112", "--gateway-port", "0", "--cluster-id", "prod", "--service-id", "fleet"]);
        Assert.Equal("10.0.0.5:6380", options.Redis);
        Assert.Equal(11112, options.SiloPort);
        Assert.Equal("prod", options.ClusterId);
        Assert.Equal("fleet", options.ServiceId);
    }

    [Fact]
    public void HubCommandLine_NoRedis_KeepsEmbeddedStore()
    {
        Assert.Null(HubCommandLine.Parse([]).Redis);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:0")]
    [InlineData(":6379")]
    public void HubCommandLine_RedisNotHostAndPort_ThrowsNamingTheFlag(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => HubCommandLine.Parse(["--redis", value]));
        Assert.Contains("--redis", error.Message);
    }

    [Fact]
    public void AgentOptions_CommaSeparatedHubs_ListsEachInOrder()
    {
        var options = new AgentOptions { HubUrl = "http://hub-a:8081, http://hub-b:8091", ClusterName = "east" };
        options.Validate();
        Assert.Equal(["http://hub-a:8081", "http://hub-b:8091"], options.HubUrls);
    }

    [Fact]
    public void AgentOptions_OneBadHubInList_Throws()
    {
        var options = new AgentOptions { HubUrl = "http://hub-a:8081,hub-b", ClusterName = "east" };
        Assert.ThrowsAny<Exception>(options.Validate);
    }
}
