using Grpc.Core;
using Grpc.Net.Client;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>One command run: where the hub is, the token, the output format and the writers.</summary>
internal sealed class CliContext : IDisposable
{
    private GrpcChannel? _channel;
    private FleetService.FleetServiceClient? _client;

    public CliContext(string hub, string? token, string output, TextWriter stdout, TextWriter stderr, CliEnvironment environment, HubTls? tls = null)
    {
        Hub = hub;
        Tls = tls ?? new HubTls(null, false);
        Token = token;
        Stdout = stdout;
        Stderr = stderr;
        Environment = environment;
        Printer = new Printer(stdout, output);
    }

    public string Hub { get; }

    public string? Token { get; }

    /// <summary>How the hub's certificate is checked (https:// hubs only).</summary>
    public HubTls Tls { get; }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public CliEnvironment Environment { get; }

    public Printer Printer { get; }

    public FleetService.FleetServiceClient Client
    {
        get
        {
            _channel ??= GrpcChannel.ForAddress(Hub, new GrpcChannelOptions { HttpHandler = Tls.CreateHandler() });
            return _client ??= new FleetService.FleetServiceClient(_channel);
        }
    }

    /// <summary>Call options carrying the bearer token and the command's cancellation.</summary>
    public CallOptions Call(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(Token)) headers.Add("authorization", "Bearer " + Token);
        return new CallOptions(headers, deadline: timeout is null ? null : DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
    }

    /// <summary>--hub, else FLEET_HUB, else the config file, else http://localhost:8081; "host:port" gets http://.</summary>
    public static string ResolveHub(string? option, CliEnvironment environment, CliConfig config)
    {
        var hub = FirstSet(option, environment.GetVariable("FLEET_HUB"), config.Hub) ?? CliEnvironment.DefaultHub;
        hub = hub.Trim().TrimEnd('/');
        if (!hub.Contains("://", StringComparison.Ordinal)) hub = "http://" + hub;
        if (!Uri.TryCreate(hub, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new CliException($"hub address '{hub}' is not an http:// or https:// URL");
        return hub;
    }

    /// <summary>--token, else FLEET_TOKEN, else the config file.</summary>
    public static string? ResolveToken(string? option, CliEnvironment environment, CliConfig config) =>
        FirstSet(option, environment.GetVariable("FLEET_TOKEN"), config.Token);

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    public void Dispose() => _channel?.Dispose();
}
