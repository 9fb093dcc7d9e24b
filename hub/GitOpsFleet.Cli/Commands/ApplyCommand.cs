using System.CommandLine;
using GitOpsFleet.Cli.Declarative;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet apply -f FILE</c>: creates or updates the Repository and Application objects a YAML file declares.</summary>
internal static class ApplyCommand
{
    public static Command Build(CliApp app)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "YAML file with Repository/Application objects (repeatable; - for stdin)", Required = true };
        var apply = new Command("apply", "Create or update the objects declared in YAML files") { files };
        return app.WithAction(apply, async (ctx, parse, ct) =>
        {
            var requests = new List<Google.Protobuf.IMessage>();
            foreach (var file in parse.GetValue(files) ?? [])
            {
                string text;
                try
                {
                    text = file == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(file, ct);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot read {file}: {ex.Message}");
                }

                // Read every file before applying anything, so a typo in the last one changes nothing.
                requests.AddRange(DeclarativeObjects.Read(text, file == "-" ? "stdin" : file));
            }

            // Projects and repositories first: applications name them.
            foreach (var request in requests.OfType<CreateProjectRequest>())
            {
                var project = await ctx.Client.CreateProjectAsync(request, ctx.Call(ct));
                await ctx.Stdout.WriteLineAsync($"project/{project.Name} configured");
            }

            foreach (var request in requests.OfType<AddRepositoryRequest>())
            {
                var repository = await ctx.Client.AddRepositoryAsync(request, ctx.Call(ct));
                await ctx.Stdout.WriteLineAsync($"repository/{repository.Name} configured");
            }

            foreach (var request in requests.OfType<CreateApplicationRequest>())
            {
                var application = await ctx.Client.CreateApplicationAsync(request, ctx.Call(ct));
                await ctx.Stdout.WriteLineAsync($"application/{application.Name} configured");
            }

            return ExitCodes.Success;
        });
    }
}
