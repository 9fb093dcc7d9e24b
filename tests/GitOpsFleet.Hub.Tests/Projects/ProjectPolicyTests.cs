using GitOpsFleet.Hub.Grains;

namespace GitOpsFleet.Hub.Tests.Projects;

public sealed class ProjectPolicyTests
{
    private static readonly Dictionary<string, string> Prod = new() { ["env"] = "prod" };

    private static ProjectModel Team(string[]? allowed = null, string[]? denied = null, string[]? sources = null, params ProjectDestinationModel[] destinations) =>
        new("team", sources ?? [], destinations, allowed ?? [], denied ?? [], 0);

    [Theory]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole")]
    [InlineData("", "Namespace")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition")]
    public void CheckKind_ClusterScopedKindNotAllowed_Denied(string group, string kind)
    {
        var error = ProjectPolicy.CheckKind(Team(), group, kind);

        Assert.NotNull(error);
        Assert.Contains("cluster-scoped", error);
        Assert.Contains("project team", error);
    }

    [Fact]
    public void CheckKind_ClusterScopedKindExplicitlyAllowed_Allowed()
    {
        Assert.Null(ProjectPolicy.CheckKind(Team(allowed: ["rbac.authorization.k8s.io/ClusterRole"]), "rbac.authorization.k8s.io", "ClusterRole"));
    }

    [Fact]
    public void CheckKind_DefaultProject_AllowsClusterScoped()
    {
        Assert.Null(ProjectPolicy.CheckKind(ProjectModel.Default, "rbac.authorization.k8s.io", "ClusterRole"));
    }

    [Fact]
    public void CheckKind_DeniedWinsOverAllowed_Denied()
    {
        var error = ProjectPolicy.CheckKind(Team(allowed: ["*/*"], denied: ["*/Secret"]), "", "Secret");

        Assert.NotNull(error);
        Assert.Contains("denied kind */Secret", error);
    }

    [Fact]
    public void CheckKind_AllowListWithoutKind_Denied()
    {
        Assert.Null(ProjectPolicy.CheckKind(Team(allowed: ["/ConfigMap", "apps/*"]), "apps", "Deployment"));
        Assert.NotNull(ProjectPolicy.CheckKind(Team(allowed: ["/ConfigMap", "apps/*"]), "", "Secret"));
    }

    [Fact]
    public void CheckSource_GlobOverNameOrUrl_Matches()
    {
        var project = Team(sources: ["https://git.example/team/*"]);

        Assert.Null(ProjectPolicy.CheckSource(project, "shop", "https://git.example/team/shop.git"));
        Assert.Contains("not among project team's source repositories", ProjectPolicy.CheckSource(project, "other", "https://git.example/other.git"));
    }

    [Fact]
    public void CheckManifests_NamespaceFromDefaultOutsideDestinations_NamesObject()
    {
        var project = Team(destinations: new ProjectDestinationModel("team-*", Prod));
        string[] manifests = ["""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ok","namespace":"team-a"}}""",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"stray"}}"""];

        var error = ProjectPolicy.CheckManifests(project, manifests, "kube-system", "edge-1", Prod);

        Assert.NotNull(error);
        Assert.StartsWith("ConfigMap stray: namespace kube-system", error);
    }

    [Fact]
    public void CheckManifests_ClusterOutsideSelector_Denied()
    {
        var project = Team(destinations: new ProjectDestinationModel("*", Prod));
        string[] manifests = ["""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ok","namespace":"web"}}"""];

        Assert.Null(ProjectPolicy.CheckManifests(project, manifests, "", "edge-1", Prod));
        Assert.Contains("cluster lab-1", ProjectPolicy.CheckManifests(project, manifests, "", "lab-1", new Dictionary<string, string> { ["env"] = "lab" }));
    }
}
