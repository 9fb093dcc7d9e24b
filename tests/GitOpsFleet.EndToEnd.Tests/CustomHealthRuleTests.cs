using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using k8s;
using k8s.Models;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>
/// Health rules declared on an application (SyncPolicy.health_rules through the hub's API) reach the agent
/// and alone decide the health of a custom kind, as GetApplication reports it.
/// </summary>
public sealed class CustomHealthRuleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Namespace = "data";

    private const string DatabaseCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: databases.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            kind: Database
            plural: databases
            singular: database
          versions:
            - name: v1
              served: true
              storage: true
              subresources:
                status: {}
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """;

    private const string Database = """
        apiVersion: example.com/v1
        kind: Database
        metadata:
          name: orders
        spec:
          engine: postgres
        """;

    /// <summary>First match wins: Ready=True is Healthy, status.phase Failed is Degraded, any other Database is still Progressing.</summary>
    private static HealthRule DatabaseRule() => new()
    {
        Group = "example.com",
        Kind = "Database",
        Checks =
        {
            new HealthCheck { ConditionType = "Ready", ConditionStatus = "True", Health = HealthStatus.Healthy, Message = "database is ready" },
            new HealthCheck { JsonPath = "status.phase", Equals_ = "Failed", Health = HealthStatus.Degraded, Message = "database failed" },
            new HealthCheck { JsonPath = "metadata.name", Health = HealthStatus.Progressing, Message = "waiting for the database" },
        },
    };

    [Fact]
    public async Task HealthRules_OnApplication_DecideCustomKindHealthOnTheAgent_ReportedByGetApplication()
    {
        using var git = GitTestRepository.Create();
        git.WriteFile("app/crd.yaml", DatabaseCrd);
        git.WriteFile("app/database.yaml", Database);
        var commit = git.Commit("A database");

        await using var bed = await FleetTestBed.StartAsync(new Dictionary<string, Dictionary<string, string>> { ["edge"] = new() { ["env"] = "edge" } }, CancellationToken.None);
        await bed.Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = "db-repo", Url = git.Path, PollIntervalSeconds = 1 },
        }, bed.Auth);
        await bed.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "db",
                Spec = new ApplicationSpec
                {
                    Source = new ApplicationSource { Repo = "db-repo", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = Namespace },
                    SyncPolicy = new SyncPolicy { Automated = true, Prune = true, HealthRules = { DatabaseRule() } },
                },
            },
        }, bed.Auth);
        var stored = await bed.GetApplicationAsync("db");
        Assert.Equal("Database", Assert.Single(stored.Spec.SyncPolicy.HealthRules).Kind);

        // No status yet: the built-in rule would call it Healthy; the declared catch-all check says Progressing.
        await WaitForDatabaseHealthAsync(bed, commit, HealthStatus.Progressing, "waiting for the database");

        var kube = bed.Clusters["edge"];
        await PatchDatabaseStatusAsync(kube, """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Up"}]}}""");
        await WaitForDatabaseHealthAsync(bed, commit, HealthStatus.Healthy, "database is ready");

        // Ready Unknown would be Progressing by the built-in rule; the declared field check makes it Degraded.
        await PatchDatabaseStatusAsync(kube, """{"status":{"phase":"Failed","conditions":[{"type":"Ready","status":"Unknown","reason":"Probing"}]}}""");
        await WaitForDatabaseHealthAsync(bed, commit, HealthStatus.Degraded, "database failed");
    }

    private static Task PatchDatabaseStatusAsync(IKubernetes kube, string mergePatch) =>
        kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), "example.com", "v1", Namespace, "databases", "orders");

    private static Task<Application> WaitForDatabaseHealthAsync(FleetTestBed bed, string commit, HealthStatus health, string message) =>
        Eventually.UntilAsync(
            () => bed.GetApplicationAsync("db"),
            app => app.Status.Health == health && app.Status.Targets.Count == 1 && app.Status.Targets.All(t =>
                t.ObservedRevision == commit && t.Sync == SyncStatus.Synced && t.Health == health &&
                t.Resources.Any(r => r.Key.Kind == "Database" && r.Key.Name == "orders" && r.Health == health && r.Message == message)),
            Deadline,
            $"application db {health} with Database orders '{message}' at {commit[..8]}");
}
