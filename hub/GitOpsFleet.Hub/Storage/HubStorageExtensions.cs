using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// The one place that picks the grain store: SQLite in the data dir (default, one process), or
/// Orleans' own Redis grain storage when <see cref="HubOptions.Redis"/> is set (several silos, one hub).
/// </summary>
internal static class HubStorageExtensions
{
    public const string DatabaseFileName = "hub.db";

    public static ISiloBuilder AddHubGrainStorage(this ISiloBuilder silo, HubOptions options, string dataDirectory)
    {
        if (options.Redis is { } redis)
        {
            // Orleans' Redis storage keeps an ETag per grain and refuses stale writes (InconsistentStateException),
            // the same contract as the SQLite store. Same binary serializer as SQLite, so state types need nothing new.
            silo.AddRedisGrainStorageAsDefault(storage => storage.Configure<Serializer>((o, serializer) =>
            {
                o.ConfigurationOptions = RedisConfiguration(redis);
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                o.DeleteStateOnClear = true;
            }));
            silo.Services.DeactivateOnWriteFailure();
            return silo;
        }
        var path = Path.Combine(dataDirectory, DatabaseFileName);
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (sp, _) => new SqliteGrainStorage(path, sp.GetRequiredService<Serializer>()));
        silo.Services.DeactivateOnWriteFailure();
        return silo;
    }

    /// <summary>A failed write deactivates the grain so it re-reads its state (see <see cref="DeactivateOnWriteFailureStorage"/>).</summary>
    private static void DeactivateOnWriteFailure(this IServiceCollection services)
        => services.DecorateGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, store) =>
            new DeactivateOnWriteFailureStorage(store, sp.GetRequiredService<IGrainContextAccessor>(), sp.GetRequiredService<ILogger<DeactivateOnWriteFailureStorage>>()));

    /// <summary>Redis client settings for "HOST:PORT": keep retrying while Redis restarts instead of failing the silo's start.</summary>
    public static ConfigurationOptions RedisConfiguration(string hostAndPort)
    {
        var configuration = ConfigurationOptions.Parse(hostAndPort);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 5000;
        return configuration;
    }
}
