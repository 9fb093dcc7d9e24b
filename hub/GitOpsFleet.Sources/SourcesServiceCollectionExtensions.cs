using Microsoft.Extensions.DependencyInjection;
using GitOpsFleet.Sources.Git;
using GitOpsFleet.Sources.Rendering;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Same namespace as the contracts so the hub needs one using.
namespace GitOpsFleet.Sources;

/// <summary>Registers <see cref="IGitSource"/>, <see cref="IGitDiff"/> and <see cref="IManifestRenderer"/>.</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>Adds the Git cache and the renderers as singletons; options are validated here, at start.</summary>
    public static IServiceCollection AddGitOpsFleetSources(this IServiceCollection services, Action<SourcesOptions>? configure = null)
    {
        var options = new SourcesOptions();
        configure?.Invoke(options);
        options.Validate();

        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new GitRepositoryCache(
            sp.GetRequiredService<SourcesOptions>(),
            LoggerOf<GitRepositoryCache>(sp)));
        services.TryAddSingleton<IGitSource>(sp => sp.GetRequiredService<GitRepositoryCache>());
        services.TryAddSingleton<IGitDiff>(sp => sp.GetRequiredService<GitRepositoryCache>());
        services.TryAddSingleton(sp => new ManifestRenderer(
            sp.GetRequiredService<GitRepositoryCache>(),
            sp.GetRequiredService<SourcesOptions>(),
            LoggerOf<ManifestRenderer>(sp)));
        services.TryAddSingleton<IManifestRenderer>(sp => sp.GetRequiredService<ManifestRenderer>());
        return services;
    }

    // Logging is optional: a host without it still gets working sources.
    private static ILogger<T> LoggerOf<T>(IServiceProvider sp) =>
        sp.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
