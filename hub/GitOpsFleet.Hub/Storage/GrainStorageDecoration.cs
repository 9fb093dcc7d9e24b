using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace GitOpsFleet.Hub.Storage;

/// <summary>Wraps a named grain store already registered (by us or by an Orleans provider) in another.</summary>
internal static class GrainStorageDecoration
{
    public static IServiceCollection DecorateGrainStorage(this IServiceCollection services, string name,
        Func<IServiceProvider, IGrainStorage, IGrainStorage> decorate)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"no grain storage named '{name}' is registered to decorate");
        // The newest keyed registration wins, so the wrapper replaces the original for every grain.
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => decorate(sp, Create(original, sp, key)));
        return services;
    }

    private static IGrainStorage Create(ServiceDescriptor original, IServiceProvider services, object? key)
        => original.KeyedImplementationInstance as IGrainStorage
            ?? original.KeyedImplementationFactory?.Invoke(services, key) as IGrainStorage
            ?? (IGrainStorage)ActivatorUtilities.CreateInstance(services, original.KeyedImplementationType
                ?? throw new InvalidOperationException($"grain storage '{key}' has no implementation"));
}
