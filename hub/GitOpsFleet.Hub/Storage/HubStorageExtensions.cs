using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace GitOpsFleet.Hub.Storage;

/// <summary>
/// The one place that picks the grain store. Today: SQLite in the data dir. A Redis store
/// (Microsoft.Orleans.Persistence.Redis) plugs in here, selected by HubOptions.
/// </summary>
internal static class HubStorageExtensions
{
    public const string DatabaseFileName = "hub.db";

    public static ISiloBuilder AddHubGrainStorage(this ISiloBuilder silo, string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, DatabaseFileName);
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (sp, _) => new SqliteGrainStorage(path, sp.GetRequiredService<Serializer>()));
        return silo;
    }
}
