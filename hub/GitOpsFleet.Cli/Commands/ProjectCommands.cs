using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet project ...</c>: what a project's applications may deploy, from where, to where.</summary>
internal static class ProjectCommands
{
    public static Command Build(CliApp app)
    {
        var project = new Command("project", "Projects: allowed source repositories, destinations and kinds");
        project.Subcommands.Add(Create(app));
        project.Subcommands.Add(List(app));
        project.Subcommands.Add(Get(app));
        project.Subcommands.Add(Delete(app));
        return project;
    }

    private static Command Create(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Project name (a DNS label)" };
        var sources = new Option<string[]>("--source-repo") { Description = "Allowed repository name or URL glob (repeatable; none: any)" };
        var namespaces = new Option<string[]>("--destination-namespace") { Description = "Allowed namespace glob (repeatable; none: any)" };
        var selectors = new Option<string[]>("--destination-selector") { Description = "Cluster label k=v the destinations require (repeatable)" };
        var allowed = new Option<string[]>("--allow-kind") { Description = "Allowed group/kind (repeatable; cluster-scoped kinds need this)" };
        var denied = new Option<string[]>("--deny-kind") { Description = "Denied group/kind (repeatable; wins over --allow-kind)" };
        var upsert = new Option<bool>("--upsert") { Description = "Replace the project when it exists" };
        var create = new Command("create", "Create (or with --upsert replace) a project") { name, sources, namespaces, selectors, allowed, denied, upsert };
        return app.WithAction(create, async (ctx, parse, ct) =>
        {
            var spec = new ProjectSpec();
            spec.SourceRepos.Add(parse.GetValue(sources) ?? []);
            spec.AllowedKinds.Add(parse.GetValue(allowed) ?? []);
            spec.DeniedKinds.Add(parse.GetValue(denied) ?? []);
            var selector = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(selectors) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    throw new CliException($"--destination-selector: '{pair}' is not k=v");
                }
                selector[pair[..eq]] = pair[(eq + 1)..];
            }
            var nsGlobs = parse.GetValue(namespaces) ?? [];
            foreach (var ns in nsGlobs.Length == 0 && selector.Count > 0 ? ["*"] : nsGlobs)
            {
                var destination = new ProjectDestination { Namespace = ns };
                destination.ClusterSelector.Add(selector);
                spec.Destinations.Add(destination);
            }
            var request = new CreateProjectRequest { Project = new Project { Name = parse.GetValue(name)!, Spec = spec }, Upsert = parse.GetValue(upsert) };
            var created = await ctx.Client.CreateProjectAsync(request, ctx.Call(ct));
            ctx.Printer.Print(created, w => w.WriteLine($"project/{created.Name} configured"));
            return ExitCodes.Success;
        });
    }

    private static Command List(CliApp app)
    {
        var list = new Command("list", "List projects");
        return app.WithAction(list, async (ctx, _, ct) =>
        {
            var response = await ctx.Client.ListProjectsAsync(new ListProjectsRequest(), ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("NAME", "SOURCES", "DESTINATIONS", "ALLOWED KINDS", "DENIED KINDS");
                foreach (var p in response.Projects)
                {
                    table.Row(p.Name, Join(p.Spec.SourceRepos), Join(p.Spec.Destinations.Select(Destination)), Join(p.Spec.AllowedKinds, "(namespaced)"), Join(p.Spec.DeniedKinds, "-"));
                }
                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Get(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Project name" };
        var get = new Command("get", "Show one project") { name };
        return app.WithAction(get, async (ctx, parse, ct) =>
        {
            var project = await ctx.Client.GetProjectAsync(new GetProjectRequest { Name = parse.GetValue(name)! }, ctx.Call(ct));
            ctx.Printer.Print(project, w =>
            {
                w.WriteLine($"Name:          {project.Name}");
                w.WriteLine($"Sources:       {Join(project.Spec.SourceRepos)}");
                w.WriteLine($"Destinations:  {Join(project.Spec.Destinations.Select(Destination))}");
                w.WriteLine($"Allowed kinds: {Join(project.Spec.AllowedKinds, "(namespaced kinds)")}");
                w.WriteLine($"Denied kinds:  {Join(project.Spec.DeniedKinds, "-")}");
            });
            return ExitCodes.Success;
        });
    }

    private static Command Delete(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Project name" };
        var delete = new Command("delete", "Delete a project (refused while applications use it)") { name };
        return app.WithAction(delete, async (ctx, parse, ct) =>
        {
            var projectName = parse.GetValue(name)!;
            await ctx.Client.DeleteProjectAsync(new DeleteProjectRequest { Name = projectName }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"project/{projectName} deleted");
            return ExitCodes.Success;
        });
    }

    private static string Destination(ProjectDestination d) =>
        (d.Namespace.Length == 0 ? "*" : d.Namespace) + (d.ClusterSelector.Count == 0 ? "" : $" on {string.Join(",", d.ClusterSelector.Select(p => $"{p.Key}={p.Value}"))}");

    private static string Join(IEnumerable<string> values, string none = "(any)")
    {
        var text = string.Join(", ", values);
        return text.Length == 0 ? none : text;
    }
}
