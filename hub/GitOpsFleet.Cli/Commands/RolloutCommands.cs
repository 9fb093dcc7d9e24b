using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary>
/// <c>fleet rollout status|pause|resume|promote|abort|plan|history APP</c> and <c>fleet app rollback APP --to REV</c>:
/// watch and steer the wave-by-wave rollout of an application's new revision.
/// </summary>
internal static class RolloutCommands
{
    private static readonly HashSet<string> ActivePhases = new(StringComparer.Ordinal) { "Progressing", "Paused", "WaitingApproval" };

    public static Command Build(CliApp app)
    {
        var command = new Command("rollout", "Rollouts: a new revision moving across the clusters wave by wave");
        command.Subcommands.Add(Status(app));
        command.Subcommands.Add(Action(app, "pause", "Stop moving clusters; gates are not evaluated until resume", (c, r, o) => c.PauseRolloutAsync(r, o).ResponseAsync));
        command.Subcommands.Add(Action(app, "resume", "Go on with a paused rollout (failed clusters get a fresh deadline)", (c, r, o) => c.ResumeRolloutAsync(r, o).ResponseAsync));
        command.Subcommands.Add(Action(app, "promote", "Skip the current gate: approve a waiting wave, or pass the current wave now", (c, r, o) => c.PromoteRolloutAsync(r, o).ResponseAsync));
        command.Subcommands.Add(Action(app, "abort", "Stop the rollout; clusters it moved return to the previous revision", (c, r, o) => c.AbortRolloutAsync(r, o).ResponseAsync));
        command.Subcommands.Add(Plan(app));
        command.Subcommands.Add(History(app));
        return command;
    }

    /// <summary><c>fleet app rollback APP --to REV [--all-at-once]</c>: itself a rollout, unless --all-at-once.</summary>
    public static Command Rollback(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var to = new Option<string>("--to") { Description = "Revision to go back to (commit, tag or branch)", Required = true };
        var allAtOnce = new Option<bool>("--all-at-once") { Description = "Move every cluster now instead of wave by wave" };
        var rollback = new Command("rollback", "Roll an application back to an earlier revision (wave by wave unless --all-at-once)") { name, to, allAtOnce };
        return app.WithAction(rollback, async (ctx, parse, ct) =>
        {
            var request = new RollbackApplicationRequest { Name = parse.GetValue(name), ToRevision = parse.GetValue(to), AllAtOnce = parse.GetValue(allAtOnce) };
            var rollout = await ctx.Client.RollbackApplicationAsync(request, ctx.Call(ct));
            ctx.Printer.Print(rollout, w => w.WriteLine(rollout.Phase == "Succeeded"
                ? $"application {rollout.Application} rolled back to {Display.Sha(rollout.ToRevision)} on every cluster"
                : $"rollback of application {rollout.Application} to {Display.Sha(rollout.ToRevision)} started; follow it with `fleet rollout status {rollout.Application} --watch`"));
            return ExitCodes.Success;
        });
    }

    private static Command Status(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Print the status again every second until the rollout ends" };
        var status = new Command("status", "Waves, clusters, revisions, phases and time in phase") { name, watch };
        return app.WithAction(status, async (ctx, parse, ct) =>
        {
            var request = new RolloutRequest { Name = parse.GetValue(name) };
            while (true)
            {
                var rollout = await ctx.Client.GetRolloutAsync(request, ctx.Call(ct));
                ctx.Printer.Print(rollout, w => Write(rollout, w));
                if (!parse.GetValue(watch) || !ActivePhases.Contains(rollout.Phase))
                {
                    return ExitCodes.Success;
                }
                // The same pace as `fleet app wait` (1 s; tests shorten it).
                await Task.Delay(ctx.Environment.WaitPollInterval, ct);
                if (ctx.Printer.IsTable)
                {
                    await ctx.Stdout.WriteLineAsync();
                }
            }
        });
    }

    private static Command Action(CliApp app, string verb, string description,
        Func<FleetService.FleetServiceClient, RolloutActionRequest, Grpc.Core.CallOptions, Task<Rollout>> call)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var reason = new Option<string?>("--reason") { Description = "Why; kept in the rollout's history and the event log" };
        var command = new Command(verb, description) { name, reason };
        return app.WithAction(command, async (ctx, parse, ct) =>
        {
            var request = new RolloutActionRequest { Name = parse.GetValue(name), Reason = parse.GetValue(reason) ?? string.Empty };
            var rollout = await call(ctx.Client, request, ctx.Call(ct));
            ctx.Printer.Print(rollout, w => w.WriteLine($"rollout of {rollout.Application} to {Display.Sha(rollout.ToRevision)}: {rollout.Phase} ({rollout.Reason})"));
            return ExitCodes.Success;
        });
    }

    private static Command Plan(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var revision = new Option<string?>("--revision") { Description = "Revision to plan for (default: the newest commit)" };
        var plan = new Command("plan", "Which clusters go in which wave, and what changes, before anything moves") { name, revision };
        return app.WithAction(plan, async (ctx, parse, ct) =>
        {
            var request = new PlanRolloutRequest { Name = parse.GetValue(name), Revision = parse.GetValue(revision) ?? string.Empty };
            var result = await ctx.Client.PlanRolloutAsync(request, ctx.Call(ct));
            ctx.Printer.Print(result, w =>
            {
                w.WriteLine($"application {result.Application}: {Display.Sha(result.FromRevision)} -> {Display.Sha(result.ToRevision)}");
                var table = new TableWriter("WAVE", "CLUSTER", "CHANGE");
                foreach (var wave in result.Waves)
                {
                    foreach (var cluster in wave.Clusters) table.Row(wave.Name, cluster.Cluster, cluster.Message);
                }
                table.WriteTo(w);
                WritePlanChanges(result, w);
            });
            return ExitCodes.Success;
        });
    }

    /// <summary>The changed files and the changed resources, each in its own section ("none" when a section is empty).</summary>
    internal static void WritePlanChanges(RolloutPlan plan, TextWriter w)
    {
        if (plan.FromRevision == plan.ToRevision)
        {
            w.WriteLine("Nothing changes: every cluster is at this revision.");
            return;
        }
        w.WriteLine();
        w.WriteLine("Files (under the application's path):");
        WriteSection(plan.ChangedFiles, w);
        w.WriteLine();
        w.WriteLine("Resources (rendered for the first cluster):");
        WriteSection(plan.ChangedResources, w);
    }

    private static void WriteSection(IEnumerable<string> lines, TextWriter w)
    {
        var any = false;
        foreach (var line in lines)
        {
            w.WriteLine("  " + line);
            any = true;
        }
        if (!any) w.WriteLine("  (none)");
    }

    private static Command History(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var history = new Command("history", "Past and current rollouts of an application") { name };
        return app.WithAction(history, async (ctx, parse, ct) =>
        {
            var result = await ctx.Client.ListRolloutHistoryAsync(new RolloutRequest { Name = parse.GetValue(name) }, ctx.Call(ct));
            ctx.Printer.Print(result, w =>
            {
                var table = new TableWriter("STARTED", "FROM", "TO", "PHASE", "BY", "DURATION", "REASON");
                foreach (var r in result.Rollouts)
                {
                    var end = r.FinishedUnixMs > 0 ? r.FinishedUnixMs : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    table.Row(Display.Time(r.StartedUnixMs), Display.Sha(r.FromRevision), Display.Sha(r.ToRevision), r.Phase, r.Actor,
                        Display.Duration(TimeSpan.FromMilliseconds(end - r.StartedUnixMs)), r.Reason);
                }
                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    internal static void Write(Rollout rollout, TextWriter w)
    {
        if (rollout.Phase.Length == 0)
        {
            w.WriteLine($"application {rollout.Application} has had no rollout yet");
            return;
        }
        w.WriteLine($"Rollout:  {Display.Sha(rollout.FromRevision)} -> {Display.Sha(rollout.ToRevision)}  {rollout.Phase} for {Display.Age(rollout.PhaseSinceUnixMs)}");
        if (rollout.Reason.Length > 0) w.WriteLine($"Reason:   {rollout.Reason}");
        var table = new TableWriter("WAVE", "CLUSTER", "PHASE", "REVISION", "HEALTH", "IN PHASE", "MESSAGE");
        for (var i = 0; i < rollout.Waves.Count; i++)
        {
            var wave = rollout.Waves[i];
            var marker = i == rollout.CurrentWave && ActivePhases.Contains(rollout.Phase) ? "*" : "";
            table.Row($"{marker}{wave.Name}", "", wave.Phase, "", "", Display.Age(wave.PhaseSinceUnixMs),
                wave.RequireApproval ? "requires approval" : wave.BakeSeconds > 0 ? $"bake {wave.BakeSeconds}s" : "");
            foreach (var c in wave.Clusters)
            {
                table.Row("", c.Cluster, c.Phase, Display.Sha(c.Revision), Display.Health(c.Health), Display.Age(c.PhaseSinceUnixMs), c.Message);
            }
        }
        table.WriteTo(w);
    }

    /// <summary>
    /// One <c>--wave</c> value: <c>NAME:SELECTOR[:OPTION...]</c>, SELECTOR is <c>k=v,k2=v2</c> or <c>*</c>, options are
    /// <c>max=N|N%</c>, <c>bake=DURATION</c> and <c>approve</c>; e.g. <c>canary:wave=1:max=1:bake=5m</c>.
    /// </summary>
    internal static RolloutWave ParseWave(string text)
    {
        var parts = text.Split(':');
        if (parts.Length < 2 || parts[0].Length == 0)
        {
            throw new CliException($"--wave '{text}' must look like NAME:k=v[:max=N|N%][:bake=5m][:approve]");
        }
        var wave = new RolloutWave { Name = parts[0] };
        if (parts[1] != "*")
        {
            wave.Selector.Add(Parse.Labels([parts[1]], "--wave"));
        }
        foreach (var option in parts.Skip(2))
        {
            if (option == "approve") wave.RequireApproval = true;
            else if (option.StartsWith("max=", StringComparison.Ordinal)) wave.MaxParallel = option[4..];
            else if (option.StartsWith("bake=", StringComparison.Ordinal)) wave.BakeSeconds = (int)Parse.Duration(option[5..], "--wave bake").TotalSeconds;
            else throw new CliException($"--wave '{text}': unknown option '{option}' (use max=, bake= or approve)");
        }
        return wave;
    }
}
