using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet events [--object x] [--watch]</c>: what happened in the fleet (--watch reconnects: <see cref="EventWatch"/>).</summary>
internal static class EventCommands
{
    private static readonly Google.Protobuf.JsonFormatter LineJson = new(Google.Protobuf.JsonFormatter.Settings.Default);

    public static Command Build(CliApp app)
    {
        var obj = new Option<string?>("--object") { Description = "Only events about this object (cluster/NAME, application/NAME)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep printing new events until interrupted" };
        var limit = new Option<int>("--limit") { Description = "How many recent events to list", DefaultValueFactory = _ => 50 };
        var events = new Command("events", "List recent events, or follow them with --watch") { obj, watch, limit };
        return app.WithAction(events, async (ctx, parse, ct) =>
        {
            var objectFilter = parse.GetValue(obj) ?? string.Empty;
            if (!parse.GetValue(watch))
            {
                var response = await ctx.Client.ListEventsAsync(new ListEventsRequest { Object = objectFilter, Limit = parse.GetValue(limit) }, ctx.Call(ct));
                ctx.Printer.Print(response, w =>
                {
                    var table = new TableWriter("TIME", "TYPE", "OBJECT", "MESSAGE");
                    foreach (var e in response.Events) table.Row(Display.Time(e.UnixMs), e.Type, e.Object, e.Message);
                    table.WriteTo(w);
                });
                return ExitCodes.Success;
            }

            return await EventWatch.RunAsync(ctx, objectFilter, async e =>
            {
                // One line per event in every format, so the output can be piped while it grows.
                var line = ctx.Printer.Format switch
                {
                    "json" or "yaml" => LineJson.Format(e),
                    _ => $"{Display.Time(e.UnixMs)}   {e.Type}   {e.Object}   {e.Message}",
                };
                await ctx.Stdout.WriteLineAsync(line);
                await ctx.Stdout.FlushAsync(ct);
            }, ct);
        });
    }
}
