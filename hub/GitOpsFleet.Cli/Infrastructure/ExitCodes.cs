namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>The CLI's exit codes, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The hub refused or failed the request, or the input was wrong.</summary>
    public const int Error = 1;

    /// <summary><c>app wait</c> ran out of time before the application was ready.</summary>
    public const int Timeout = 2;

    /// <summary>The user interrupted the command (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
