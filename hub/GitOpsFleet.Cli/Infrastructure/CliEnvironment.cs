namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>What the CLI reads from outside its arguments: environment variables, the config file, the wait poll interval.</summary>
public sealed record CliEnvironment(Func<string, string?> GetVariable, string ConfigPath, TimeSpan WaitPollInterval)
{
    /// <summary>The hub address used when neither --hub, FLEET_HUB nor the config file names one.</summary>
    public const string DefaultHub = "http://localhost:8081";

    /// <summary>The real process environment and <c>~/.config/gitopsfleet/config.json</c>.</summary>
    public static CliEnvironment FromProcess()
    {
        var configHome = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
            configHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new CliEnvironment(Environment.GetEnvironmentVariable, Path.Combine(configHome, "gitopsfleet", "config.json"), TimeSpan.FromSeconds(1));
    }
}
