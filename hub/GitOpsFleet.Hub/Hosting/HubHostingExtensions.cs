using System.Net;
using GitOpsFleet.Hub.Api;
using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Hub.Storage;
using GitOpsFleet.Hub.Webhooks;
using GitOpsFleet.Sources;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GitOpsFleet.Hub.Hosting;

/// <summary>The hub's wiring: Kestrel endpoints, the Orleans silo, sources, gRPC and HTTP endpoints.</summary>
internal static class HubHostingExtensions
{
    /// <summary>How many grain locations each silo caches (clusters, applications, bundles, ...).</summary>
    internal const int DirectoryCacheSize = 100_000;

    public static WebApplicationBuilder ConfigureHubKestrel(this WebApplicationBuilder builder, IPAddress address, int httpPort, int grpcPort, HubOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var tls = options.TlsEnabled
                ? new HubTlsCertificate(options.TlsCertificatePath!, options.TlsKeyPath!,
                    kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<HubTlsCertificate>())
                : null;
            // Two ports: browsers and webhooks speak HTTP/1.1, gRPC needs HTTP/2 (h2c without TLS).
            // With TLS, ALPN lets the HTTP port offer HTTP/2 as well, and the gRPC port is h2 over TLS.
            kestrel.Listen(address, httpPort, listen =>
            {
                listen.Protocols = tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                UseTls(listen, tls);
            });
            kestrel.Listen(address, grpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                UseTls(listen, tls);
            });
            kestrel.Limits.MaxRequestBodySize = Protos.BundleCodec.MaxMessageBytes;
        });
        builder.Services.AddSingleton(new HubPorts(httpPort, grpcPort));
        return builder;
    }

    private static void UseTls(ListenOptions listen, HubTlsCertificate? tls)
    {
        if (tls is not null)
        {
            // Asked per handshake, so renewed certificate files are picked up without a restart.
            listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => tls.Current);
        }
    }

    public static WebApplicationBuilder AddHubSilo(this WebApplicationBuilder builder, HubOptions options, string dataDirectory, int siloPort, int gatewayPort)
    {
        builder.UseOrleans(silo =>
        {
            silo.AddHubClustering(options, siloPort, gatewayPort);
            silo.AddHubGrainStorage(options, dataDirectory);
            // A grain call may include a fetch and renders (bounded by SourcesOptions timeouts), so allow
            // more than Orleans' 30 s default; grain calls never form cycles, so nothing waits on a deadlock.
            silo.Configure<Orleans.Configuration.SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromMinutes(5));
            // The directory cache's hash tables are allocated for CacheSize up front (Orleans' default 1,000,000:
            // 2 x 9.3 MB of managed heap) and each cached grain touches a random page of them (4.9 MB resident at
            // 1,000 clusters). 100,000 (2 x 0.43 MB) is still ten grains per cluster at 10,000 clusters.
            silo.Configure<Orleans.Configuration.GrainDirectoryOptions>(directory => directory.CacheSize = DirectoryCacheSize);
        });
        builder.Services.AddSingleton<HubReadiness>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<HubReadiness>());
        return builder;
    }

    public static WebApplicationBuilder AddHubServices(this WebApplicationBuilder builder, string dataDirectory)
    {
        builder.Services.AddGitOpsFleetSources(sources => sources.CacheDirectory = Path.Combine(dataDirectory, "git"));
        builder.Services.AddSingleton<IBundleCompressor, ProtobufBundleCompressor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = Protos.BundleCodec.MaxMessageBytes;
            grpc.MaxSendMessageSize = Protos.BundleCodec.MaxMessageBytes;
        }).AddServiceOptions<FleetServiceImpl>(service => service.Interceptors.Add<FleetApiInterceptor>())
            // JSON over HTTP from fleet.proto's google.api.http paths; calls run through the same interceptor.
            // int64 as strings, as proto3 JSON (and the CLI's -o json and the event stream) write them.
            .AddJsonTranscoding(transcoding => transcoding.JsonSettings.WriteInt64sAsStrings = true);
        return builder;
    }

    public static WebApplication MapHubEndpoints(this WebApplication app)
    {
        app.MapGrpcService<AgentServiceImpl>();
        app.MapGrpcService<FleetServiceImpl>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapFleetWebhooks();
        // JSON API: same interceptor and service as gRPC; webhooks above keep their own signatures.
        app.MapFleetJsonApi();
        app.MapGet("/readyz", (HubReadiness readiness) =>
            readiness.IsReady ? Results.Text("ready") : Results.Text("starting", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
