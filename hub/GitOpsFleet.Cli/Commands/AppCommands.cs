using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet app ...</c>: applications and their targets.</summary>
internal static class AppCommands
{
    public static Command Build(CliApp app)
    {
        var command = new Command("app", "Applications: a source in Git delivered to the clusters a selector picks");
        command.Subcommands.Add(Create(app));
        command.Subcommands.Add(List(app));
        command.Subcommands.Add(Get(app));
        command.Subcommands.Add(Sync(app));
        command.Subcommands.Add(Delete(app));
        command.Subcommands.Add(AppWaitCommand.Build(app));
        command.Subcommands.Add(AppManifestsCommand.Build(app));
        command.Subcommands.Add(RolloutCommands.Rollback(app));
        return command;
    }

    private static Command Create(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var repo = new Option<string>("--repo") { Description = "Repository name or URL (a URL not yet added is added)", Required = true };
        var path = new Option<string>("--path") { Description = "Folder in the repository; may use {{cluster.name}} and {{cluster.labels.KEY}}", DefaultValueFactory = _ => "." };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: the repository's default branch)" };
        var renderer = new Option<string>("--renderer") { Description = "directory, kustomize, jsonnet, helm or auto (picked from what the path holds)", DefaultValueFactory = _ => "directory" };
        renderer.AcceptOnlyFromAmong("directory", "kustomize", "jsonnet", "helm", "auto");
        var sourceOptions = new AppSourceOptions();
        var include = new Option<string[]>("--include") { Description = "Only files matching this glob (repeatable; directory renderer)" };
        var exclude = new Option<string[]>("--exclude") { Description = "Skip files matching this glob (repeatable; directory renderer)" };
        var selector = new Option<string[]>("--selector") { Description = "Target clusters with these labels (k=v, repeatable; none: every cluster)" };
        var ns = new Option<string?>("--namespace") { Description = "Default namespace for namespaced objects without one" };
        var project = new Option<string?>("--project") { Description = "Project the application belongs to", DefaultValueFactory = _ => "default" };
        var autoSync = new Option<bool>("--auto-sync") { Description = "Sync new commits automatically" };
        var prune = new Option<bool>("--prune") { Description = "Delete objects removed from Git" };
        var selfHeal = new Option<bool>("--self-heal") { Description = "Undo changes made in the cluster" };
        var upsert = new Option<bool>("--upsert") { Description = "Replace an application of the same name" };
        var waves = new Option<string[]>("--wave") { Description = "Rollout wave NAME:k=v[:max=N|N%][:bake=5m][:approve] (repeatable, in order)" };
        var failurePolicy = new Option<string>("--failure-policy") { Description = "When a wave fails: pause or rollback", DefaultValueFactory = _ => "pause" };
        failurePolicy.AcceptOnlyFromAmong("pause", "rollback");
        var progressDeadline = new Option<string?>("--progress-deadline") { Description = "A moved cluster not Healthy within this counts as failed (default 10m)" };
        var create = new Command("create", "Create an application")
        {
            name, repo, path, revision, renderer, include, exclude, selector, ns, project, autoSync, prune, selfHeal, upsert,
            waves, failurePolicy, progressDeadline,
        };
        foreach (var option in sourceOptions.All)
        {
            create.Options.Add(option);
        }
        return app.WithAction(create, async (ctx, parse, ct) =>
        {
            var spec = new ApplicationSpec
            {
                Source = new ApplicationSource
                {
                    Repo = parse.GetValue(repo)!,
                    Path = parse.GetValue(path)!,
                    Revision = parse.GetValue(revision) ?? string.Empty,
                    Renderer = parse.GetValue(renderer)!,
                },
                Destination = new ApplicationDestination { Namespace = parse.GetValue(ns) ?? string.Empty },
                SyncPolicy = new SyncPolicy { Automated = parse.GetValue(autoSync), Prune = parse.GetValue(prune), SelfHeal = parse.GetValue(selfHeal) },
                Project = parse.GetValue(project) ?? string.Empty,
            };
            spec.Source.Include.Add(parse.GetValue(include) ?? []);
            spec.Source.Exclude.Add(parse.GetValue(exclude) ?? []);
            sourceOptions.ApplyTo(parse, spec.Source);
            spec.Destination.ClusterSelector.Add(Parse.Labels(parse.GetValue(selector), "--selector"));
            if (parse.GetValue(waves) is { Length: > 0 } waveValues)
            {
                spec.Rollout = new RolloutStrategy { FailurePolicy = parse.GetValue(failurePolicy)! };
                spec.Rollout.Waves.Add(waveValues.Select(RolloutCommands.ParseWave));
                if (parse.GetValue(progressDeadline) is { } deadline)
                {
                    spec.Rollout.ProgressDeadlineSeconds = (int)Parse.Duration(deadline, "--progress-deadline").TotalSeconds;
                }
            }
            var request = new CreateApplicationRequest { Application = new Application { Name = parse.GetValue(name)!, Spec = spec }, Upsert = parse.GetValue(upsert) };
            var created = await ctx.Client.CreateApplicationAsync(request, ctx.Call(ct));
            ctx.Printer.Print(created, w => w.WriteLine($"application {created.Name} created"));
            return ExitCodes.Success;
        });
    }

    private static Command List(CliApp app)
    {
        var list = new Command("list", "List applications");
        return app.WithAction(list, async (ctx, _, ct) =>
        {
            var response = await ctx.Client.ListApplicationsAsync(new ListApplicationsRequest(), ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("NAME", "REPO", "PATH", "REVISION", "SYNC", "HEALTH", "READY", "ERROR");
                foreach (var a in response.Applications)
                {
                    var s = a.Status ?? new ApplicationStatus();
                    table.Row(a.Name, a.Spec?.Source?.Repo, a.Spec?.Source?.Path, Display.Sha(s.Revision), Display.Sync(s.Sync), Display.Health(s.Health),
                        $"{AppView.ReadyTargets(a)}/{s.Targets.Count}", s.Error);
                }

                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Get(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var resources = new Option<bool>("--resources") { Description = "Also list each target's resources" };
        var get = new Command("get", "Show an application and its targets") { name, resources };
        return app.WithAction(get, async (ctx, parse, ct) =>
        {
            var withResources = parse.GetValue(resources);
            var a = await ctx.Client.GetApplicationAsync(new GetApplicationRequest { Name = parse.GetValue(name), Resources = withResources }, ctx.Call(ct));
            ctx.Printer.Print(a, w => AppView.Write(a, withResources, w));
            return ExitCodes.Success;
        });
    }

    private static Command Sync(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var sync = new Command("sync", "Sync an application now (fetch, render, apply on every target)") { name };
        return app.WithAction(sync, async (ctx, parse, ct) =>
        {
            var a = await ctx.Client.SyncApplicationAsync(new SyncApplicationRequest { Name = parse.GetValue(name) }, ctx.Call(ct));
            ctx.Printer.Print(a, w => w.WriteLine($"sync of application {a.Name} requested (revision {Display.Sha(a.Status?.Revision)})"));
            return ExitCodes.Success;
        });
    }

    private static Command Delete(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Application name" };
        var cascade = new Option<bool>("--cascade") { Description = "Also delete the application's objects from the clusters (default true)", DefaultValueFactory = _ => true };
        var delete = new Command("delete", "Delete an application") { name, cascade };
        return app.WithAction(delete, async (ctx, parse, ct) =>
        {
            var appName = parse.GetValue(name)!;
            var prune = parse.GetValue(cascade);
            await ctx.Client.DeleteApplicationAsync(new DeleteApplicationRequest { Name = appName, Prune = prune }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync(prune ? $"application {appName} deleted with its objects" : $"application {appName} deleted; its objects stay in the clusters");
            return ExitCodes.Success;
        });
    }
}
