using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using k8s;
using k8s.Autorest;
using System.Net;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>A commit that breaks its application's project never reaches a cluster; the last good commit stays applied.</summary>
public sealed class ProjectEnforcementTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, Dictionary<string, string>> TwoClusters = new()
    {
        ["east"] = new() { ["env"] = "prod" },
        ["west"] = new() { ["env"] = "prod" },
    };

    private const string ClusterRole = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: team-root
        rules:
          - apiGroups: ["*"]
            resources: ["*"]
            verbs: ["*"]
        """;

    private const string StrayConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: stray
          namespace: kube-system
        data:
          version: "bad"
        """;

    [Theory]
    [InlineData("clusterrole.yaml", ClusterRole, "ClusterRole team-root")]
    [InlineData("stray.yaml", StrayConfigMap, "ConfigMap stray")]
    public async Task ViolatingCommit_ErrorOnApplication_NeverApplied_LastGoodStays(string file, string violating, string objectName)
    {
        using var git = GitTestRepository.Create();
        const string ns = "team-web";
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("team-config", "good"));
        var good = git.Commit("Good version");

        await using var bed = await FleetTestBed.StartAsync(TwoClusters, CancellationToken.None);
        await bed.Fleet.CreateProjectAsync(new CreateProjectRequest
        {
            Project = new Project
            {
                Name = "team",
                Spec = new ProjectSpec
                {
                    SourceRepos = { "team-repo" },
                    Destinations = { new ProjectDestination { Namespace = "team-*", ClusterSelector = { ["env"] = "prod" } } },
                },
            },
        }, bed.Auth);
        await bed.Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = "team-repo", Url = git.Path, PollIntervalSeconds = 1 },
        }, bed.Auth);
        await bed.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "team-app",
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "team-repo", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = ns },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
                    Project = "team",
                },
            },
        }, bed.Auth);
        await WaitForAllTargetsAsync(bed, good);

        git.WriteFile("app/" + file, violating);
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("team-config", "from-bad-commit"));
        git.Commit("Violates the project");
        var refused = await Eventually.UntilAsync(
            () => bed.GetApplicationAsync("team-app"), app => !string.IsNullOrEmpty(app.Status.Error), Deadline, "the project error on the application");

        Assert.Contains(objectName, refused.Status.Error);
        Assert.Contains("project team", refused.Status.Error);
        Assert.All(refused.Status.Targets, target => Assert.Equal(good, target.DesiredRevision));
        await AssertNothingOfBadCommitAsync(bed, ns);

        // Dropping the file rolls on; the violating objects never appeared anywhere in between.
        git.DeleteFile("app/" + file);
        git.WriteFile("app/configmap.yaml", Manifests.ConfigMap("team-config", "fixed"));
        var fixedCommit = git.Commit("Back inside the project");
        await WaitForAllTargetsAsync(bed, fixedCommit);
        Assert.Empty((await bed.GetApplicationAsync("team-app")).Status.Error);
        foreach (var (name, kube) in bed.Clusters)
        {
            Assert.True(await IsGoneAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleAsync("team-root")), $"ClusterRole team-root exists on {name}");
            Assert.True(await IsGoneAsync(() => kube.CoreV1.ReadNamespacedConfigMapAsync("stray", "kube-system")), $"ConfigMap kube-system/stray exists on {name}");
            Assert.Equal("fixed", (await kube.CoreV1.ReadNamespacedConfigMapAsync("team-config", ns)).Data["version"]);
        }
    }

    private static async Task AssertNothingOfBadCommitAsync(FleetTestBed bed, string ns)
    {
        foreach (var (name, kube) in bed.Clusters)
        {
            Assert.True(await IsGoneAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleAsync("team-root")), $"ClusterRole team-root exists on {name}");
            Assert.True(await IsGoneAsync(() => kube.CoreV1.ReadNamespacedConfigMapAsync("stray", "kube-system")), $"ConfigMap kube-system/stray exists on {name}");
            Assert.Equal("good", (await kube.CoreV1.ReadNamespacedConfigMapAsync("team-config", ns)).Data["version"]);
        }
    }

    private static Task<Application> WaitForAllTargetsAsync(FleetTestBed bed, string revision) =>
        Eventually.UntilAsync(
            () => bed.GetApplicationAsync("team-app"),
            a => a.Status.Revision == revision && a.Status.Targets.Count == TwoClusters.Count && a.Status.Targets.All(t =>
                t.ObservedRevision == revision && t.ObservedGeneration == t.Generation &&
                t.Sync == SyncStatus.Synced && t.Health == HealthStatus.Healthy),
            Deadline,
            $"team-app Synced and Healthy at {revision[..8]} on {TwoClusters.Count} clusters");

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
