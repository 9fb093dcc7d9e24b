using System.CommandLine;
using Grpc.Core;
using GitOpsFleet.Cli.Infrastructure;

namespace GitOpsFleet.Cli.Commands;

/// <summary>Builds the command tree and runs each command's body with errors mapped to messages and exit codes.</summary>
internal sealed class CliApp(TextWriter stdout, TextWriter stderr, CliEnvironment environment)
{
    public Option<string?> Hub { get; } = new("--hub")
    {
        Description = "Hub gRPC address (default: $FLEET_HUB, the login config, or http://localhost:8081)",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token (default: $FLEET_TOKEN or the login config)",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutputOption();

    public Option<string?> CaFile { get; } = new("--ca-file")
    {
        Description = "PEM file of the CA that signed the hub's certificate (default: $FLEET_CA_FILE or the login config)",
        Recursive = true,
    };

    public Option<bool> InsecureSkipTlsVerify { get; } = new("--insecure-skip-tls-verify")
    {
        Description = "Do not check the hub's TLS certificate at all (insecure: anyone on the path can read the token)",
        Recursive = true,
    };

    public CliEnvironment Environment => environment;

    public TextWriter Stdout => stdout;

    public RootCommand BuildRoot()
    {
        var root = new RootCommand("fleet: manage a GitOpsFleet hub (clusters, repositories, applications)");
        root.Options.Add(Hub);
        root.Options.Add(Token);
        root.Options.Add(Output);
        root.Options.Add(CaFile);
        root.Options.Add(InsecureSkipTlsVerify);
        root.Subcommands.Add(LoginCommand.Build(this));
        root.Subcommands.Add(ClusterCommands.Build(this));
        root.Subcommands.Add(RepoCommands.Build(this));
        root.Subcommands.Add(AppCommands.Build(this));
        root.Subcommands.Add(ApplyCommand.Build(this));
        root.Subcommands.Add(EventCommands.Build(this));
        root.Subcommands.Add(RolloutCommands.Build(this));
        root.Subcommands.Add(TokenCommands.Build(this));
        root.Subcommands.Add(ProjectCommands.Build(this));
        return root;
    }

    /// <summary>Sets <paramref name="command"/>'s action: build a context, run, turn failures into "error: ..." and an exit code.</summary>
    public Command WithAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            CliContext? context = null;
            try
            {
                var config = CliConfig.Load(environment.ConfigPath);
                var hub = CliContext.ResolveHub(parseResult.GetValue(Hub), environment, config);
                var token = CliContext.ResolveToken(parseResult.GetValue(Token), environment, config);
                var tls = HubTls.Resolve(parseResult.GetValue(CaFile), parseResult.GetValue(InsecureSkipTlsVerify), environment, config);
                if (tls.SkipVerify)
                {
                    await stderr.WriteLineAsync($"warning: --insecure-skip-tls-verify: the certificate of the hub at {hub} is not checked").ConfigureAwait(false);
                }
                context = new CliContext(hub, token, parseResult.GetValue(Output) ?? "table", stdout, stderr, environment, tls);
                return await body(context, parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("error: cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            catch (RpcException ex) when (context is not null && HubTls.IsTlsFailure(ex.Status.DebugException))
            {
                await stderr.WriteLineAsync("error: " + context.Tls.DescribeFailure(context.Hub, ex.Status.DebugException!)).ConfigureAwait(false);
                return ExitCodes.Error;
            }
            catch (RpcException ex)
            {
                await stderr.WriteLineAsync("error: " + Describe(ex, context?.Hub)).ConfigureAwait(false);
                return ExitCodes.Error;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("error: cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            finally
            {
                context?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The status detail alone; for Unavailable the client made itself (no connection), which hub was tried and what to check.</summary>
    internal static string Describe(RpcException ex, string? hub) => ex.StatusCode switch
    {
        // An Unavailable the hub sent (its storage failed; the detail says so) carries no client-side DebugException.
        StatusCode.Unavailable when ex.Status.DebugException is not null =>
            $"cannot reach the hub at {hub}: {ex.Status.Detail} (check --hub or FLEET_HUB, and that the hub is running)",
        StatusCode.Unauthenticated => $"{Detail(ex)} (give a token with --token, FLEET_TOKEN or 'fleet login')",
        StatusCode.DeadlineExceeded => $"the hub at {hub} did not answer in time: {ex.Status.Detail}",
        _ => Detail(ex),
    };

    private static string Detail(RpcException ex) =>
        string.IsNullOrWhiteSpace(ex.Status.Detail) ? ex.StatusCode.ToString() : ex.Status.Detail;

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table, json or yaml",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "json", "yaml");
        return option;
    }
}
