using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Bench;

/// <summary>
/// How fanout and waves tell the hub about a new commit (--trigger): "webhook" (default), a generic push webhook
/// POSTed to the hub's HTTP port, which makes the repository fetch now and the application render and roll out the
/// commit as a real push would; or "sync", the SyncApplication rpc, which also sends every cluster a Sync command
/// (so every cluster re-applies at once, whatever wave it is in). The repositories are local paths without a
/// webhook secret, so the hub accepts the push unsigned and matches it to the repository by that path.
/// </summary>
internal static class BenchTrigger
{
    public const string Webhook = "webhook";
    public const string Sync = "sync";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>--trigger webhook|sync (default webhook).</summary>
    public static string Parse(BenchArgs args)
    {
        var trigger = args.Text("--trigger", Webhook);
        return trigger is Webhook or Sync ? trigger : throw new ArgumentException($"--trigger '{trigger}' is unknown; use webhook or sync");
    }

    /// <summary>
    /// Fires the trigger for application <paramref name="app"/> (repository <paramref name="repositoryPath"/>) and returns
    /// once the call has answered or 5 s have passed, with a task of the call's own time in ms. A refused call throws here.
    /// </summary>
    public static async Task<Task<double>> FireAsync(string trigger, HubApi api, Uri hubHttp, string app, string repositoryPath, CancellationToken cancellationToken)
    {
        var call = trigger == Sync ? SyncAsync(api, app, cancellationToken) : PushAsync(hubHttp, repositoryPath, cancellationToken);
        await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        if (call.IsFaulted)
        {
            await call;
        }
        return call;
    }

    private static async Task<double> SyncAsync(HubApi api, string app, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await api.Fleet.SyncApplicationAsync(new SyncApplicationRequest { Name = app }, api.Auth, cancellationToken: cancellationToken);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>POST /api/webhooks/generic {"repository": PATH, "ref": "refs/heads/main"}: 202 naming the repository it refreshes.</summary>
    private static async Task<double> PushAsync(Uri hubHttp, string repositoryPath, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var body = new JsonObject { ["repository"] = repositoryPath, ["ref"] = "refs/heads/main" };
        using var response = await Http.PostAsJsonAsync(new Uri(hubHttp, "/api/webhooks/generic"), body, cancellationToken);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var reply = await response.Content.ReadAsStringAsync(cancellationToken);
        var refreshed = response.StatusCode == HttpStatusCode.Accepted ? JsonNode.Parse(reply)?["refreshed"]?.AsArray() : null;
        if (refreshed is null || refreshed.Count == 0)
        {
            throw new InvalidOperationException($"the hub at {hubHttp} answered the push webhook for {repositoryPath} with {(int)response.StatusCode}: {reply} (expected 202 refreshing its repository)");
        }
        return elapsed;
    }
}
