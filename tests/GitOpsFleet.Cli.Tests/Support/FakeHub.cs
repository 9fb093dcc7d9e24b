using GitOpsFleet.Cli.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Cli.Tests.Support;

/// <summary>A real Kestrel gRPC server on 127.0.0.1 (free port) serving <see cref="FakeFleetService"/>, and a way to run the CLI at it.</summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeHub(WebApplication app, FakeFleetService service, string address, string root)
    {
        _app = app;
        Service = service;
        Address = address;
        Root = root;
    }

    public FakeFleetService Service { get; }

    public string Address { get; }

    /// <summary>The test's own folder (holds its config file).</summary>
    public string Root { get; }

    public string ConfigPath => Path.Combine(Root, "config.json");

    /// <summary>Starts the fake hub; with <paramref name="certificate"/> it speaks HTTP/2 over TLS (an https:// address).</summary>
    public static async Task<FakeHub> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var service = new FakeFleetService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            if (certificate is not null) o.UseHttps(certificate);
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<FakeFleetService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = Path.Combine(Path.GetTempPath(), "gitopsfleet-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new FakeHub(app, service, address, root);
    }

    /// <summary>Runs <c>fleet ARGS --hub ADDRESS</c> in-process with its own environment.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithAsync(new Dictionary<string, string>(), [.. args, "--hub", Address]);

    /// <summary>Runs the CLI with the given environment variables and no implicit --hub.</summary>
    public async Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment(name => variables.TryGetValue(name, out var v) ? v : null, ConfigPath, TimeSpan.FromMilliseconds(20));
        var code = await FleetCli.RunAsync(args, stdout, stderr, environment, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);
