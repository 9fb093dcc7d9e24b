using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet login --hub URL --token T [--ca-file PATH]</c>: remembers the hub, token and CA file in the config file.</summary>
internal static class LoginCommand
{
    public static Command Build(CliApp app)
    {
        var command = new Command("login", "Save the hub address and API token to ~/.config/gitopsfleet/config.json");
        return app.WithAction(command, async (ctx, parse, ct) =>
        {
            var token = parse.GetValue(app.Token);
            if (string.IsNullOrWhiteSpace(token))
                throw new CliException("fleet login needs --token (the admin token the hub printed on first start)");
            var hub = ctx.Hub;
            // Check the pair works before saving it, so a typo is caught now rather than on the next command.
            await ctx.Client.ListClustersAsync(new Protos.Fleet.ListClustersRequest(), ctx.Call(ct, TimeSpan.FromSeconds(10)));
            new CliConfig(hub, token, ctx.Tls.CaFile).Save(app.Environment.ConfigPath);
            await ctx.Stdout.WriteLineAsync($"logged in to {hub}; saved to {app.Environment.ConfigPath}");
            return ExitCodes.Success;
        });
    }
}
