using GitOpsFleet.Sources.Rendering;
using GitOpsFleet.Sources.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GitOpsFleet.Sources.Tests;

public sealed class SourcesServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddGitOpsFleetSources_RegistersWorkingSingletons()
    {
        using var repo = TestRepository.Create();
        var head = repo.Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").Commit();
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddGitOpsFleetSources(o => o.CacheDirectory = repo.CacheDirectory)
            .BuildServiceProvider();

        var git = provider.GetRequiredService<IGitSource>();
        var renderer = provider.GetRequiredService<IManifestRenderer>();
        var commit = await git.ResolveRevisionAsync(repo.Spec(), "", fetch: true, CancellationToken.None);
        var bundle = await renderer.RenderAsync(TestSources.Request(repo.Spec(), commit, "app"), CancellationToken.None);

        Assert.Equal(head, commit);
        Assert.Single(bundle.ManifestsJson);
        Assert.Same(renderer, provider.GetRequiredService<ManifestRenderer>());
        Assert.Same(git, provider.GetRequiredService<IGitSource>());
    }

    [Fact]
    public void AddGitOpsFleetSources_BadOptions_FailAtRegistrationWithAFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGitOpsFleetSources(o => o.MaxConcurrentRenders = 0));

        Assert.Equal("SourcesOptions.MaxConcurrentRenders is 0; set 1 or more.", error.Message);
    }
}
