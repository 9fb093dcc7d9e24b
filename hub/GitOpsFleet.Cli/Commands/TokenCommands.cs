using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet token ...</c>: API tokens for people and scripts (admin, readonly, or one project).</summary>
internal static class TokenCommands
{
    public static Command Build(CliApp app)
    {
        var token = new Command("token", "API tokens for people and scripts (admin only)");
        token.Subcommands.Add(Create(app));
        token.Subcommands.Add(List(app));
        token.Subcommands.Add(Revoke(app));
        return token;
    }

    private static Command Create(CliApp app)
    {
        var role = new Option<string>("--role") { Description = "admin, readonly, or project", Required = true };
        role.AcceptOnlyFromAmong("admin", "readonly", "project");
        var project = new Option<string?>("--project") { Description = "The project a --role project token may touch" };
        var ttl = new Option<string?>("--ttl") { Description = "How long the token stays valid (e.g. 12h, 30d); default: no expiry" };
        var description = new Option<string?>("--description") { Description = "What the token is for (shown in 'fleet token list')" };
        var create = new Command("create", "Create an API token and print it (shown once)") { role, project, ttl, description };
        return app.WithAction(create, async (ctx, parse, ct) =>
        {
            var ttlText = parse.GetValue(ttl);
            var request = new CreateApiTokenRequest
            {
                Role = parse.GetValue(role)!,
                Project = parse.GetValue(project) ?? "",
                Description = parse.GetValue(description) ?? "",
                TtlSeconds = string.IsNullOrEmpty(ttlText) ? 0 : (int)Math.Min(int.MaxValue, Parse.Duration(ttlText, "--ttl").TotalSeconds),
            };
            var created = await ctx.Client.CreateApiTokenAsync(request, ctx.Call(ct));
            ctx.Printer.Print(created, w =>
            {
                w.WriteLine($"Token:   {created.Token}");
                w.WriteLine($"ID:      {created.Id}");
                w.WriteLine($"Role:    {created.Role}{(created.Project.Length > 0 ? $" (project {created.Project})" : "")}");
                w.WriteLine($"Expires: {Expires(created.ExpiresUnixMs)}");
                w.WriteLine();
                w.WriteLine("The hub keeps only its hash: store the token now (fleet login --token ...).");
            });
            return ExitCodes.Success;
        });
    }

    private static Command List(CliApp app)
    {
        var list = new Command("list", "List API tokens (secrets are never shown again)");
        return app.WithAction(list, async (ctx, _, ct) =>
        {
            var response = await ctx.Client.ListApiTokensAsync(new ListApiTokensRequest(), ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("ID", "ROLE", "PROJECT", "EXPIRES", "CREATED", "DESCRIPTION");
                foreach (var t in response.Tokens)
                    table.Row(t.Id, t.Role, t.Project.Length == 0 ? "-" : t.Project, Expires(t.ExpiresUnixMs), Display.Age(t.CreatedUnixMs), t.Description);
                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Revoke(CliApp app)
    {
        var id = new Argument<string>("ID") { Description = "API token id (from 'fleet token list')" };
        var revoke = new Command("revoke", "Revoke an API token at once") { id };
        return app.WithAction(revoke, async (ctx, parse, ct) =>
        {
            var tokenId = parse.GetValue(id)!;
            await ctx.Client.RevokeApiTokenAsync(new RevokeApiTokenRequest { Id = tokenId }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"API token {tokenId} revoked");
            return ExitCodes.Success;
        });
    }

    private static string Expires(long unixMs) => unixMs == 0 ? "never" : $"{Display.Time(unixMs)} ({Display.Age(unixMs)})";
}
