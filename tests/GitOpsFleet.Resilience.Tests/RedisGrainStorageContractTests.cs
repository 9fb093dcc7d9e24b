using GitOpsFleet.Hub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>The storage contract on Orleans' Redis grain storage, configured as the hub configures it.</summary>
public sealed class RedisGrainStorageContractTests : GrainStorageContractTests, IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly RedisServer _redis;
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private RedisGrainStorage? _storage;

    public RedisGrainStorageContractTests(RedisServer redis) => _redis = redis;

    protected override IGrainStorage Storage => _storage ?? throw new InvalidOperationException("storage not initialized");

    public async Task InitializeAsync()
    {
        var options = new RedisStorageOptions
        {
            ConfigurationOptions = HubStorageExtensions.RedisConfiguration(_redis.Endpoint),
            DeleteStateOnClear = true,
        };
        _storage = new RedisGrainStorage(
            "Default",
            options,
            new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            Options.Create(new ClusterOptions { ClusterId = "contract", ServiceId = "contract-" + Guid.NewGuid().ToString("N") }),
            _services.GetRequiredService<IActivatorProvider>(),
            NullLogger<RedisGrainStorage>.Instance);
        await StartedLifecycle.StartAsync(_storage.Participate);
    }

    public async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
        await _services.DisposeAsync();
    }
}
