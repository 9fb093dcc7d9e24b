using System.CommandLine;
using GitOpsFleet.Cli.Commands;
using GitOpsFleet.Cli.Infrastructure;

namespace GitOpsFleet.Cli;

/// <summary>The <c>fleet</c> command line: parses arguments, runs one command against the hub, returns the exit code.</summary>
public static class FleetCli
{
    /// <summary>Runs the CLI with the process environment and <c>~/.config/gitopsfleet/config.json</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, CliEnvironment.FromProcess(), cancellationToken);

    /// <summary>Runs the CLI with an explicit environment (tests use their own variables and config path).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var app = new CliApp(stdout, stderr, environment);
        var root = app.BuildRoot();
        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("error: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
    }
}
