namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>An error to print as "error: MESSAGE" with the given exit code, without a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
