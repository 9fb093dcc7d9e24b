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
    public static WebApplicationBuilder ConfigureHubKestrel(this WebApplicationBuilder builder, IPAddress address, int httpPort, int grpcPort)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Two ports: browsers and webhooks speak HTTP/1.1, gRPC needs HTTP/2 without TLS (h2c).
            kestrel.Listen(address, httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = Protos.BundleCodec.MaxMessageBytes;
        });
        return builder;
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
        }).AddServiceOptions<FleetServiceImpl>(service => service.Interceptors.Add<FleetApiInterceptor>());
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
