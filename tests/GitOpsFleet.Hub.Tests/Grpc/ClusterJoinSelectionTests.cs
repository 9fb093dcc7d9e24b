using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Grpc;

/// <summary>
/// Issue 9: a joining or relabelled cluster is reconciled alone (its labels read by name, not the whole cluster index
/// listed): it still gets the applications whose selector matches it, and only those.
/// </summary>
public sealed class ClusterJoinSelectionTests
{
    private const string RepoUrl = "https://git.example/apps.git";
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}""";

    private static async Task CreateAppAsync(TestHub hub, string name, string env)
    {
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "apps", Path = "guestbook", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "web", ClusterSelector = { ["env"] = env } },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
                },
            },
        });
    }

    private static async Task<(bool Prod, bool Dev)> TargetedAsync(TestHub hub, string cluster)
    {
        var prod = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "prod-only" });
        var dev = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "dev-only" });
        return (prod.Status.Targets.Any(t => t.Cluster == cluster), dev.Status.Targets.Any(t => t.Cluster == cluster));
    }

    [Fact]
    public async Task RegisterCluster_TwoApplications_OnlyTheMatchingOneTargetsItAndLabelsMoveIt()
    {
        await using var hub = await TestHub.StartAsync();
        hub.Git.SetHead(RepoUrl, "main", "c1");
        hub.Renderer.SetManifests("c1", ConfigMap);
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = RepoUrl } });
        await hub.RegisterClusterAsync("dev-1", ("env", "dev"));
        await CreateAppAsync(hub, "prod-only", "prod");
        await CreateAppAsync(hub, "dev-only", "dev");

        await hub.RegisterClusterAsync("joiner", ("env", "prod"), ("zone", "a"));
        var joined = await Eventually.UntilAsync(() => TargetedAsync(hub, "joiner"), t => t.Prod, "prod-only targeting joiner");
        // dev-1 was reconciled before: a second cluster's join renders only itself and leaves it as it was.
        var devOne = await TargetedAsync(hub, "dev-1");

        Assert.False(joined.Dev);
        Assert.Equal((false, true), devOne);

        // Relabelled: the application it left removes it, the one it now matches adds it.
        await hub.Host.Grains.GetGrain<IClusterGrain>("joiner").SetLabelsAsync(new Dictionary<string, string> { ["env"] = "dev" });
        await Eventually.UntilAsync(() => TargetedAsync(hub, "joiner"), t => t == (false, true), "joiner moved from prod-only to dev-only");
        Assert.Equal((false, true), await TargetedAsync(hub, "dev-1"));
    }
}
