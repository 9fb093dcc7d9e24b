using GitOpsFleet.Cli.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Tests;

public sealed class ApplyCommandTests : IAsyncLifetime
{
    private const string Objects = """
        apiVersion: gitopsfleet.io/v1alpha1
        kind: Application
        metadata: {name: guestbook, project: web}
        spec:
          source: {repo: apps, path: "overlays/{{cluster.labels.env}}", revision: main, renderer: kustomize}
          destination: {clusterSelector: {env: prod}, namespace: guestbook}
          syncPolicy:
            automated: true
            prune: true
            selfHeal: true
            retry: {limit: 5, backoff: 5s, factor: 2, maxBackoff: 3m}
        ---
        apiVersion: gitopsfleet.io/v1alpha1
        kind: Repository
        metadata: {name: apps}
        spec: {url: "https://git.example/apps.git", pollInterval: 2m}
        """;

    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private string WriteFile(string content)
    {
        var path = Path.Combine(_hub.Root, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Apply_RepositoryAndApplication_SendsRepositoryFirstAsUpserts()
    {
        var result = await _hub.RunAsync("apply", "-f", WriteFile(Objects));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("repository/apps configured\napplication/guestbook configured\n", result.Stdout.ReplaceLineEndings("\n"));
        var requests = _hub.Service.Requests.ToList();
        var repo = Assert.IsType<AddRepositoryRequest>(requests[0]);
        Assert.True(repo.Upsert);
        Assert.Equal(("apps", "https://git.example/apps.git", 120), (repo.Repository.Name, repo.Repository.Url, repo.Repository.PollIntervalSeconds));
        var app = Assert.IsType<CreateApplicationRequest>(requests[1]);
        Assert.True(app.Upsert);
        var spec = app.Application.Spec;
        Assert.Equal(("web", "kustomize", "prod", "guestbook"), (spec.Project, spec.Source.Renderer, spec.Destination.ClusterSelector["env"], spec.Destination.Namespace));
        Assert.Equal((5, 5, 2.0, 180), (spec.SyncPolicy.Retry.Limit, spec.SyncPolicy.Retry.BackoffSeconds, spec.SyncPolicy.Retry.Factor, spec.SyncPolicy.Retry.MaxBackoffSeconds));
        Assert.True(spec.SyncPolicy.Automated && spec.SyncPolicy.Prune && spec.SyncPolicy.SelfHeal);
    }

    [Fact]
    public async Task Apply_UnknownField_NamesFileDocumentAndFieldAndSendsNothing()
    {
        var file = WriteFile(Objects.Replace("selfHeal: true", "selfheal: true"));

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file}: document 1 (Application guestbook): unknown field spec.syncPolicy.selfheal", result.Stderr.Trim());
        Assert.Empty(_hub.Service.Requests);
    }

    [Fact]
    public async Task Apply_Rollout_SendsWavesAndPolicy()
    {
        var rollout = """
              rollout:
                waves:
                - {name: canary, selector: {wave: "1"}, maxParallel: 1, bakeTime: 5m}
                - {name: rest, selector: {}, maxParallel: 25%, requireApproval: true}
                failurePolicy: rollback
                maxFailures: 1
                progressDeadline: 10m
            """;
        var file = WriteFile(Objects.Replace("  syncPolicy:", rollout + "\n  syncPolicy:"));

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.Equal(0, result.ExitCode);
        var strategy = Assert.IsType<CreateApplicationRequest>(_hub.Service.Requests.ToList()[1]).Application.Spec.Rollout;
        Assert.Equal(("rollback", 1, 600), (strategy.FailurePolicy, strategy.MaxFailures, strategy.ProgressDeadlineSeconds));
        Assert.Equal(("canary", "1", "1", 300, false), (strategy.Waves[0].Name, strategy.Waves[0].Selector["wave"], strategy.Waves[0].MaxParallel, strategy.Waves[0].BakeSeconds, strategy.Waves[0].RequireApproval));
        Assert.Equal(("rest", 0, "25%", true), (strategy.Waves[1].Name, strategy.Waves[1].Selector.Count, strategy.Waves[1].MaxParallel, strategy.Waves[1].RequireApproval));
    }

    [Fact]
    public async Task Apply_RolloutWaveUnknownField_IsRefused()
    {
        var file = WriteFile(Objects.Replace("  syncPolicy:", "  rollout: {waves: [{name: a, bake: 5m}]}\n  syncPolicy:"));

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown field spec.rollout.waves[0].bake", result.Stderr);
    }

    [Fact]
    public async Task Apply_WrongKind_IsRefused()
    {
        var file = WriteFile("apiVersion: gitopsfleet.io/v1alpha1\nkind: Cluster\nmetadata: {name: x}\n");

        var result = await _hub.RunAsync("apply", "-f", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("kind must be Repository, Application or Project, not 'Cluster'", result.Stderr);
    }

    [Fact]
    public async Task JoinTokenRevoke_SendsTheId()
    {
        var result = await _hub.RunAsync("cluster", "join-token", "revoke", "jt-9");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("jt-9", Assert.IsType<RevokeJoinTokenRequest>(Assert.Single(_hub.Service.Requests)).Id);
    }
}
