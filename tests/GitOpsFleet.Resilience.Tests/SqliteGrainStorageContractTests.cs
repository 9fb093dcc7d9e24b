using GitOpsFleet.Hub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>The storage contract on the embedded store (the default).</summary>
public sealed class SqliteGrainStorageContractTests : GrainStorageContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gitopsfleet-resilience", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly SqliteGrainStorage _storage;

    public SqliteGrainStorageContractTests()
    {
        _storage = new SqliteGrainStorage(Path.Combine(_directory, "hub.db"), _services.GetRequiredService<Serializer>());
    }

    protected override IGrainStorage Storage => _storage;

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
