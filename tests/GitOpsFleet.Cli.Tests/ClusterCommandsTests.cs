using System.Text.Json;
using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class ClusterCommandsTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        var east = new Cluster { Name = "east", Connected = true, AgentVersion = "0.1.0", KubernetesVersion = "v1.32.0" };
        east.Labels.Add("env", "prod");
        _hub.Service.Clusters.Add(east);
        _hub.Service.Clusters.Add(new Cluster { Name = "west-with-a-long-name", Connected = false });
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task ClusterList_Table_PrintsAlignedRowsAndSendsBearerToken()
    {
        var result = await _hub.RunAsync("cluster", "list", "--token", "secret-token");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME                    CONNECTED   LABELS", lines[0]);
        Assert.StartsWith("east                    yes         env=prod   0.1.0", lines[1]);
        Assert.StartsWith("west-with-a-long-name   no", lines[2]);
        Assert.Equal(["Bearer secret-token"], _hub.Service.Authorizations);
    }

    [Fact]
    public async Task ClusterList_JsonOutput_IsProtobufJson()
    {
        var result = await _hub.RunAsync("cluster", "list", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var first = json.RootElement.GetProperty("clusters")[0];
        Assert.Equal("east", first.GetProperty("name").GetString());
        Assert.Equal("prod", first.GetProperty("labels").GetProperty("env").GetString());
        Assert.Equal("v1.32.0", first.GetProperty("kubernetesVersion").GetString());
    }

    [Fact]
    public async Task ClusterList_YamlOutput_IsYamlOfTheJson()
    {
        var result = await _hub.RunAsync("cluster", "list", "-o", "yaml");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("clusters:\n- name: east\n", result.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("  connected: true\n", result.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ClusterList_Selector_IsSentAsCommaSeparatedLabels()
    {
        await _hub.RunAsync("cluster", "list", "-l", "env=prod", "-l", "wave=1");

        var request = Assert.IsType<ListClustersRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal("env=prod,wave=1", request.Selector);
    }

    [Fact]
    public async Task JoinTokenCreate_PrintsTokenExpiryAndAgentCommand()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--ttl", "2h", "--reusable", "--label", "env=dev");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.IsType<CreateJoinTokenRequest>(Assert.Single(_hub.Service.Requests));
        Assert.Equal(7200, request.TtlSeconds);
        Assert.True(request.Reusable);
        Assert.Equal("dev", request.Labels["env"]);
        Assert.Contains("Token:    join-secret-123", result.Stdout);
        Assert.Contains("Expires:  ", result.Stdout);
        Assert.Contains("  gitopsfleet-agent --hub http://hub:8081 --join-token join-secret-123 --cluster-name NAME", result.Stdout);
    }

    [Fact]
    public async Task JoinTokenCreate_BadTtl_FailsWithoutCallingTheHub()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "create", "--ttl", "soon");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --ttl 'soon' is not a duration; use forms like 30s, 5m, 1h30m", result.Stderr.Trim());
        Assert.Empty(_hub.Service.Requests);
    }
}
