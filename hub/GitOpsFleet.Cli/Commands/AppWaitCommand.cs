using System.CommandLine;
using Grpc.Core;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary>
/// <c>fleet app wait NAME</c>: polls the application until every target is Synced and Healthy at the application's
/// current revision (exit 0), the timeout passes (exit 2) or the hub refuses (exit 1). Progress goes to stderr.
/// </summary>
internal static class AppWaitCommand
{
    public static Command Build(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var timeout = new Option<string>("--timeout") { Description = "Give up after this long (exit code 2)", DefaultValueFactory = _ => "5m" };
        var health = new Option<bool>("--health") { Description = "Wait for health only" };
        var sync = new Option<bool>("--sync") { Description = "Wait for sync only" };
        var wait = new Command("wait", "Wait until every target is Synced and Healthy at the current revision") { name, timeout, health, sync };
        return app.WithAction(wait, async (ctx, parse, ct) =>
        {
            var appName = parse.GetValue(name)!;
            var limit = Parse.Duration(parse.GetValue(timeout)!, "--timeout");
            var onlyHealth = parse.GetValue(health);
            var onlySync = parse.GetValue(sync);
            // Neither flag: both conditions; one flag: that condition alone.
            var requireSync = onlySync || !onlyHealth;
            var requireHealth = onlyHealth || !onlySync;
            return await WaitAsync(ctx, appName, limit, requireSync, requireHealth, ct);
        });
    }

    private static async Task<int> WaitAsync(CliContext ctx, string appName, TimeSpan limit, bool requireSync, bool requireHealth, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        var lastProgress = string.Empty;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) break;
            Application a;
            try
            {
                a = await ctx.Client.GetApplicationAsync(new GetApplicationRequest { Name = appName }, ctx.Call(ct, remaining));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded && DateTime.UtcNow >= deadline)
            {
                break;
            }

            var status = a.Status ?? new ApplicationStatus();
            var ready = status.Targets.Count(t => AppView.IsReady(status, t, requireSync, requireHealth));
            if (status.Targets.Count > 0 && ready == status.Targets.Count)
            {
                await ctx.Stderr.WriteLineAsync($"{appName}: {Describe(requireSync, requireHealth)} at {Display.Sha(status.Revision)} on {ready} cluster(s)");
                ctx.Printer.Print(a, w => w.WriteLine($"application {appName} is {Describe(requireSync, requireHealth)} at {Display.Sha(status.Revision)}"));
                return ExitCodes.Success;
            }

            var progress = Progress(appName, status, ready, requireSync, requireHealth);
            if (progress != lastProgress)
            {
                await ctx.Stderr.WriteLineAsync(progress);
                lastProgress = progress;
            }

            var pause = ctx.Environment.WaitPollInterval < deadline - DateTime.UtcNow ? ctx.Environment.WaitPollInterval : deadline - DateTime.UtcNow;
            if (pause > TimeSpan.Zero) await Task.Delay(pause, ct);
        }

        throw new CliException($"timed out after {Display.Duration(limit)} waiting for application {appName}: {(lastProgress.Length == 0 ? "no answer from the hub" : lastProgress)}", ExitCodes.Timeout);
    }

    private static string Describe(bool requireSync, bool requireHealth) =>
        (requireSync, requireHealth) switch
        {
            (true, true) => "Synced and Healthy",
            (true, false) => "Synced",
            _ => "Healthy",
        };

    private static string Progress(string appName, ApplicationStatus status, int ready, bool requireSync, bool requireHealth)
    {
        if (!string.IsNullOrEmpty(status.Error)) return $"{appName}: waiting; error: {status.Error}";
        if (status.Targets.Count == 0) return $"{appName}: waiting; no target clusters yet";
        var pending = status.Targets
            .Where(t => !AppView.IsReady(status, t, requireSync, requireHealth))
            .Select(t => $"{t.Cluster} {Display.Sync(t.Sync)}/{Display.Health(t.Health)}" + (t.ObservedRevision == status.Revision ? string.Empty : $" at {Display.Sha(t.ObservedRevision)}"))
            .Take(5);
        return $"{appName}: {ready}/{status.Targets.Count} targets {Describe(requireSync, requireHealth)} at {Display.Sha(status.Revision)}; waiting for {string.Join(", ", pending)}";
    }
}
