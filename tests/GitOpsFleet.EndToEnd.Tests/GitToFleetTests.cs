using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using k8s;
using k8s.Autorest;
using System.Net;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>One application goes from a Git commit to three clusters, and its live status comes back.</summary>
public sealed class GitToFleetTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, Dictionary<string, string>> ThreeClusters = new()
    {
        ["dev"] = new() { ["env"] = "dev" },
        ["staging"] = new() { ["env"] = "staging" },
        ["prod"] = new() { ["env"] = "prod" },
    };

    [Fact]
    public async Task Commits_ReachEveryCluster_UpdateThem_AndPruneDeletedFiles()
    {
        using var git = GitTestRepository.Create();
        var ns = "shop";
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("shop-config", "v1"));
        git.WriteFile("app/deployment.yaml", Manifests.Deployment("shop", replicas: 2));
        git.WriteFile("app/service.yaml", Manifests.Service("shop"));
        var first = git.Commit("First version");

        await using var bed = await FleetTestBed.StartAsync(ThreeClusters, CancellationToken.None);
        await CreateApplicationAsync(bed, git, "shop", ns);

        await WaitForAllTargetsAsync(bed, "shop", first, ThreeClusters.Count);
        foreach (var (name, kube) in bed.Clusters)
        {
            var deployment = await kube.AppsV1.ReadNamespacedDeploymentAsync("shop", ns);
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal("gitopsfleet", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);
            Assert.Equal("v1", (await kube.CoreV1.ReadNamespacedConfigMapAsync("shop-config", ns)).Data["version"]);
            await kube.CoreV1.ReadNamespacedServiceAsync("shop", ns);
        }

        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("shop-config", "v2"));
        git.WriteFile("app/deployment.yaml", Manifests.Deployment("shop", replicas: 3));
        var second = git.Commit("Second version");
        await WaitForAllTargetsAsync(bed, "shop", second, ThreeClusters.Count);
        foreach (var kube in bed.Clusters.Values)
        {
            Assert.Equal(3, (await kube.AppsV1.ReadNamespacedDeploymentAsync("shop", ns)).Spec.Replicas);
            Assert.Equal("v2", (await kube.CoreV1.ReadNamespacedConfigMapAsync("shop-config", ns)).Data["version"]);
        }

        git.DeleteFile("app/service.yaml");
        var third = git.Commit("Drop the service");
        await WaitForAllTargetsAsync(bed, "shop", third, ThreeClusters.Count);
        foreach (var (name, kube) in bed.Clusters)
        {
            await Eventually.UntilAsync(() => IsGoneAsync(() => kube.CoreV1.ReadNamespacedServiceAsync("shop", ns)), Deadline, $"Service shop pruned on {name}");
            await kube.AppsV1.ReadNamespacedDeploymentAsync("shop", ns);
        }
    }

    [Fact]
    public async Task BrokenYaml_ShowsErrorOnApplication_ClustersKeepLastGoodState_HubStaysUp()
    {
        using var git = GitTestRepository.Create();
        var ns = "blog";
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("blog-config", "good"));
        git.WriteFile("app/deployment.yaml", Manifests.Deployment("blog", replicas: 1));
        var good = git.Commit("Good version");

        await using var bed = await FleetTestBed.StartAsync(ThreeClusters, CancellationToken.None);
        await CreateApplicationAsync(bed, git, "blog", ns);
        await WaitForAllTargetsAsync(bed, "blog", good, ThreeClusters.Count);

        git.WriteFile("app/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blog-config\ndata: [unclosed\n");
        git.WriteFile("app/deployment.yaml", Manifests.Deployment("blog", replicas: 4));
        git.Commit("Broken YAML");

        var broken = await Eventually.UntilAsync(
            () => bed.GetApplicationAsync("blog"), app => !string.IsNullOrEmpty(app.Status.Error), Deadline, "the render error on the application");
        Assert.Contains("configmap.yaml", broken.Status.Error);

        // Nothing of the broken commit reaches any cluster, and nothing is pruned.
        foreach (var kube in bed.Clusters.Values)
        {
            Assert.Equal(1, (await kube.AppsV1.ReadNamespacedDeploymentAsync("blog", ns)).Spec.Replicas);
            Assert.Equal("good", (await kube.CoreV1.ReadNamespacedConfigMapAsync("blog-config", ns)).Data["version"]);
        }
        Assert.All(broken.Status.Targets, target => Assert.Equal(HealthStatus.Healthy, target.Health));

        using var http = new HttpClient { BaseAddress = bed.Hub.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var clusters = await bed.Fleet.ListClustersAsync(new ListClustersRequest(), bed.Auth);
        Assert.Equal(ThreeClusters.Count, clusters.Clusters.Count);

        // Fixing the file clears the error and rolls on.
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("blog-config", "fixed"));
        var fixedCommit = git.Commit("Fix YAML");
        await WaitForAllTargetsAsync(bed, "blog", fixedCommit, ThreeClusters.Count);
        Assert.Empty((await bed.GetApplicationAsync("blog")).Status.Error);
    }

    private static async Task CreateApplicationAsync(FleetTestBed bed, GitTestRepository git, string name, string ns)
    {
        await bed.Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = name + "-repo", Url = git.Path, PollIntervalSeconds = 1 },
        }, bed.Auth);
        await bed.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = name + "-repo", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = ns },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
                },
            },
        }, bed.Auth);
    }

    private static Task<Application> WaitForAllTargetsAsync(FleetTestBed bed, string app, string revision, int clusters) =>
        Eventually.UntilAsync(
            () => bed.GetApplicationAsync(app),
            a => a.Status.Revision == revision && a.Status.Targets.Count == clusters && a.Status.Targets.All(t =>
                t.ObservedRevision == revision && t.ObservedGeneration == t.Generation &&
                t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy),
            Deadline,
            $"{app} Synced and Healthy at {revision[..8]} on {clusters} clusters");

    private static async Task<bool> IsGoneAsync(Func<Task> read)
    {
        try
        {
            await read();
            return false;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
    }
}
