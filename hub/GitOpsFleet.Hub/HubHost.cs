using System.Net;
using GitOpsFleet.Hub.Diagnostics;
using GitOpsFleet.Hub.Hosting;

namespace GitOpsFleet.Hub;

/// <summary>A running hub (ASP.NET Core + Orleans silo) in this process; start several with different data dirs.</summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubHost(WebApplication app, Uri httpAddress, Uri grpcAddress, string? initialAdminToken)
    {
        _app = app;
        HttpAddress = httpAddress;
        GrpcAddress = grpcAddress;
        InitialAdminToken = initialAdminToken;
    }

    /// <summary>HTTP/1.1 address (health, JSON API), always given as 127.0.0.1; https:// with TLS.</summary>
    public Uri HttpAddress { get; }

    /// <summary>gRPC (h2c, or h2 over TLS: https://) address for agents and the CLI, always given as 127.0.0.1.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The admin token when this start created it (first start on a data dir), else null.</summary>
    public string? InitialAdminToken { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static Task<HubHost> StartAsync(HubOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, configureServices: null, cancellationToken);

    /// <summary>Starts a hub; <paramref name="configureServices"/> runs last, so tests can replace services (e.g. sources).</summary>
    public static async Task<HubHost> StartAsync(HubOptions options, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        options.Validate();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var freePorts = options.HttpPort == 0 || options.GrpcPort == 0 || options.SiloPort == 0 || options.GatewayPort == 0;
        for (var attempt = 1; ; attempt++)
        {
            WebApplication? app = null;
            try
            {
                var httpPort = FreePorts.OrFree(options.HttpPort);
                var grpcPort = FreePorts.OrFree(options.GrpcPort);
                app = Build(options, dataDirectory, httpPort, grpcPort, configureServices);
                await app.StartAsync(cancellationToken);
                return await FinishStartAsync(app, options, httpPort, grpcPort, cancellationToken);
            }
            catch (Exception ex) when (freePorts && attempt < MaxStartAttempts && IsAddressInUse(ex))
            {
                // A free port picked for us was taken before we bound it (another process raced us): pick again.
                await DisposeQuietlyAsync(app);
            }
            catch
            {
                await DisposeQuietlyAsync(app);
                throw;
            }
        }
    }

    private const int MaxStartAttempts = 3;

    private static WebApplication Build(HubOptions options, string dataDirectory, int httpPort, int grpcPort, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // Orleans' watchdog warns of a "stall" as long as the machine's uptime at every start (a race in Orleans).
        builder.Services.AddWatchdogStartupFilter();
        builder.ConfigureHubKestrel(IPAddress.Parse(options.ListenAddress), httpPort, grpcPort, options)
            .AddHubSilo(options, dataDirectory, FreePorts.OrFree(options.SiloPort), FreePorts.OrFree(options.GatewayPort))
            .AddHubServices(dataDirectory);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapHubEndpoints();
        return app;
    }

    private static async Task<HubHost> FinishStartAsync(WebApplication app, HubOptions options, int httpPort, int grpcPort, CancellationToken cancellationToken)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var adminToken = await HubStartup.EnsureAdminTokenAsync(grains, options.AdminTokenFile, cancellationToken);
        if (adminToken is not null)
        {
            // Shown once: only its hash is kept.
            Console.WriteLine($"Admin API token (shown once, keep it): {adminToken}");
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<HubHost>();
        await HubStartup.WakeRepositoriesAsync(grains, logger);
        await HubStartup.CheckOpenFileLimitAsync(grains, logger);
        var scheme = options.TlsEnabled ? "https" : "http";
        return new HubHost(app, new Uri($"{scheme}://127.0.0.1:{httpPort}"), new Uri($"{scheme}://127.0.0.1:{grpcPort}"), adminToken);
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
                || current.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }
        return false;
    }

    private static async Task DisposeQuietlyAsync(WebApplication? app)
    {
        if (app is null)
        {
            return;
        }
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Stopping a host that failed to start may fail again; disposing is what matters.
        }
        await app.DisposeAsync();
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
