using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using GitOpsFleet.KubeSim.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.KubeSim;

/// <summary>
/// One Kestrel server on 127.0.0.1 that serves many simulated clusters, each under its own path
/// prefix: /clusters/{name}/api/v1/... Clusters cost nothing but their objects while idle.
/// </summary>
public sealed partial class SimulatedClusterHost : IAsyncDisposable
{
    private const string Prefix = "/clusters/";
    private readonly ConcurrentDictionary<string, SimulatedCluster> _clusters = new(StringComparer.Ordinal);
    private readonly SimulatedClusterHostOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private WebApplication? _app;

    private SimulatedClusterHost(SimulatedClusterHostOptions options)
    {
        _options = options;
        _logger = (ILogger?)options.LoggerFactory?.CreateLogger<SimulatedClusterHost>() ?? NullLogger.Instance;
    }

    /// <summary>The host's root address, e.g. http://127.0.0.1:6443/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts the server; with Port 0 a free port is picked.</summary>
    public static async Task<SimulatedClusterHost> StartAsync(SimulatedClusterHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var host = new SimulatedClusterHost(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(host.DispatchAsync);
        await app.StartAsync(cancellationToken);
        host._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        host.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        return host;
    }

    /// <summary>Adds a cluster served at {BaseAddress}clusters/{name}.</summary>
    public Task<SimulatedCluster> AddClusterAsync(string name, CancellationToken cancellationToken)
    {
        if (!ClusterName().IsMatch(name))
        {
            throw new ArgumentException($"Cluster name \"{name}\" is not a DNS label: use lower-case letters, digits and '-' (at most 63).", nameof(name));
        }
        var cluster = new SimulatedCluster(name, new Uri(BaseAddress, Prefix + name), _options, _logger);
        if (!_clusters.TryAdd(name, cluster))
        {
            cluster.Stop();
            throw new InvalidOperationException($"Cluster \"{name}\" already exists on this host.");
        }
        KubeSimLog.ClusterAdded(_logger, name, cluster.Server);
        return Task.FromResult(cluster);
    }

    /// <summary>The cluster with that name, or null.</summary>
    public SimulatedCluster? GetCluster(string name) => _clusters.TryGetValue(name, out var c) ? c : null;

    /// <summary>Stops serving a cluster and drops its objects; open watches end.</summary>
    public Task RemoveClusterAsync(string name, CancellationToken cancellationToken)
    {
        if (_clusters.TryRemove(name, out var cluster))
        {
            cluster.Stop();
            KubeSimLog.ClusterRemoved(_logger, name);
        }
        return Task.CompletedTask;
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await ApiRouter.WriteAsync(context, 404, ApiException.NotFoundPath().ToStatus());
            return;
        }
        var rest = path[Prefix.Length..];
        var slash = rest.IndexOf('/');
        var name = slash < 0 ? rest : rest[..slash];
        if (!_clusters.TryGetValue(name, out var cluster))
        {
            await ApiRouter.WriteAsync(context, 404, ApiException.Status(404, "NotFound", $"simulated cluster \"{name}\" not found", null));
            return;
        }
        await cluster.Router.HandleAsync(context, slash < 0 ? "/" : rest[slash..], _stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var cluster in _clusters.Values)
        {
            cluster.Stop();
        }
        _clusters.Clear();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex ClusterName();
}
