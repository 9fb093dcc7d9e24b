using System.Net;
using Microsoft.Extensions.DependencyInjection;
using GitOpsFleet.Hub.Tests.Security;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using Google.Protobuf;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>GET /api/v1/events:watch: WatchEvents as server-sent events, with the same filters and tokens.</summary>
public sealed class FleetEventStreamTests
{
    [Fact]
    public async Task WatchEvents_AdminWithObjectFilter_StreamsMatchingEventsAsSse()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, hub.AdminToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync("/api/v1/events:watch?object=cluster/sse-east", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await hub.RegisterClusterAsync("sse-west");
        await hub.RegisterClusterAsync("sse-east");
        var first = await NextEventAsync(response, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("cluster/sse-east", first.Object);
        Assert.Equal("ClusterRegistered", first.Type);
    }

    [Fact]
    public async Task WatchEvents_ProjectToken_OnlyItsClustersEvents()
    {
        await using var hub = await TestHub.StartAsync();
        await ProjectViewTests.SeedTwoTeamsAsync(hub);
        var token = (await hub.Fleet.CreateApiTokenAsync(new CreateApiTokenRequest { Role = "project", Project = "team-a" })).Token;
        using var http = Client(hub, token);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync("/api/v1/events:watch", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await hub.RegisterClusterAsync("sse-b", ("team", "b"));
        await hub.RegisterClusterAsync("sse-a", ("team", "a"));
        var first = await NextEventAsync(response, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cluster/sse-a", first.Object);
    }

    [Fact]
    public async Task WatchEvents_Idle_SendsKeepAliveComments()
    {
        await using var hub = await TestHub.StartAsync(configureServices: services =>
            services.Configure<GitOpsFleet.Hub.Api.FleetJsonApiOptions>(o => o.EventStreamHeartbeat = TimeSpan.FromMilliseconds(100)));
        using var http = Client(hub, hub.AdminToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync("/api/v1/events:watch?object=cluster/quiet", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var first = await reader.ReadLineAsync(cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(": keep-alive", first);
    }

    [Fact]
    public async Task WatchEvents_NoToken_401JsonError()
    {
        await using var hub = await TestHub.StartAsync();
        using var http = Client(hub, token: null);

        using var response = await http.GetAsync("/api/v1/events:watch");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", await ErrorMessageAsync(response));
    }

    /// <summary>Reads lines up to the next "data:" line and parses it as an event.</summary>
    private static async Task<Event> NextEventAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonParser.Default.Parse<Event>(line["data: ".Length..]);
            }
        }
        throw new EndOfStreamException("the event stream ended before an event");
    }
}
