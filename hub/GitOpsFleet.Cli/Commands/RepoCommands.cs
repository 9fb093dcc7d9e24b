using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet repo ...</c>: Git repositories the hub fetches.</summary>
internal static class RepoCommands
{
    public static Command Build(CliApp app)
    {
        var repo = new Command("repo", "Git repositories the hub watches");
        repo.Subcommands.Add(Add(app));
        repo.Subcommands.Add(List(app));
        repo.Subcommands.Add(Remove(app));
        return repo;
    }

    private static Command Add(CliApp app)
    {
        var first = new Argument<string>("NAME|URL") { Description = "Repository name, or its URL (the name is then derived from it)" };
        var second = new Argument<string?>("URL") { Description = "Repository URL when a name is given", Arity = ArgumentArity.ZeroOrOne };
        var poll = new Option<string>("--poll") { Description = "Poll interval (e.g. 60s, 5m)", DefaultValueFactory = _ => "60s" };
        var username = new Option<string?>("--username") { Description = "User name for HTTPS" };
        var password = new Option<string?>("--password") { Description = "Password or token for HTTPS (never shown again)" };
        var upsert = new Option<bool>("--upsert") { Description = "Replace a repository of the same name" };
        var webhookSecret = new Option<string?>("--webhook-secret") { Description = "Secret that signs webhooks for this repository (never shown again)" };
        var add = new Command("add", "Add a repository: fleet repo add NAME URL, or fleet repo add URL") { first, second, poll, username, password, upsert, webhookSecret };
        return app.WithAction(add, async (ctx, parse, ct) =>
        {
            var a = parse.GetValue(first)!;
            var b = parse.GetValue(second);
            var (name, url) = b is null ? (Parse.RepositoryNameFromUrl(a), a) : (a, b);
            var repository = new Repository
            {
                Name = name,
                Url = url,
                PollIntervalSeconds = (int)Parse.Duration(parse.GetValue(poll)!, "--poll").TotalSeconds,
                Username = parse.GetValue(username) ?? string.Empty,
                Password = parse.GetValue(password) ?? string.Empty,
                WebhookSecret = parse.GetValue(webhookSecret) ?? string.Empty,
            };
            var created = await ctx.Client.AddRepositoryAsync(new AddRepositoryRequest { Repository = repository, Upsert = parse.GetValue(upsert) }, ctx.Call(ct));
            ctx.Printer.Print(created, w => w.WriteLine($"repository {created.Name} added ({created.Url})"));
            return ExitCodes.Success;
        });
    }

    private static Command List(CliApp app)
    {
        var list = new Command("list", "List repositories");
        return app.WithAction(list, async (ctx, _, ct) =>
        {
            var response = await ctx.Client.ListRepositoriesAsync(new ListRepositoriesRequest(), ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("NAME", "URL", "POLL", "USER", "LAST FETCH", "ERROR");
                foreach (var r in response.Repositories)
                {
                    var poll = r.PollIntervalSeconds == 0 ? "60s" : Display.Duration(TimeSpan.FromSeconds(r.PollIntervalSeconds));
                    table.Row(r.Name, r.Url, poll, r.Username, Display.Age(r.LastFetchUnixMs), r.LastError);
                }

                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Remove(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Repository name" };
        var remove = new Command("remove", "Remove a repository") { name };
        return app.WithAction(remove, async (ctx, parse, ct) =>
        {
            var repoName = parse.GetValue(name)!;
            await ctx.Client.RemoveRepositoryAsync(new RemoveRepositoryRequest { Name = repoName }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"repository {repoName} removed");
            return ExitCodes.Success;
        });
    }
}
