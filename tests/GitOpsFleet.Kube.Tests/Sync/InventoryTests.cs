using GitOpsFleet.Kube.Inventory;

namespace GitOpsFleet.Kube.Tests.Sync;

public sealed class InventoryTests
{
    private static ResourceKey K(string kind, string ns, string name, string group = "", string version = "v1") => new(group, version, kind, ns, name);

    [Fact]
    public void Stale_DroppedObject_IsListed()
    {
        var previous = new[] { K("ConfigMap", "a", "x"), K("Service", "a", "web"), K("Namespace", "", "a") };
        var desired = new[] { K("Service", "a", "web"), K("Namespace", "", "a") };
        Assert.Equal([K("ConfigMap", "a", "x")], InventoryStore.Stale(previous, desired));
    }

    [Fact]
    public void Stale_VersionChangeOnly_IsNotStale()
    {
        var previous = new[] { K("HorizontalPodAutoscaler", "a", "web", "autoscaling", "v1") };
        var desired = new[] { K("HorizontalPodAutoscaler", "a", "web", "autoscaling", "v2") };
        Assert.Empty(InventoryStore.Stale(previous, desired));
    }

    [Fact]
    public void Stale_SameNameOtherNamespace_IsStale()
    {
        var previous = new[] { K("ConfigMap", "a", "x"), K("ClusterRole", "", "reader", "rbac.authorization.k8s.io") };
        var desired = new[] { K("ConfigMap", "b", "x") };
        Assert.Equal(2, InventoryStore.Stale(previous, desired).Count);
    }

    [Theory]
    [InlineData("apps|v1|Deployment|shop|web")]
    [InlineData("|v1|Namespace||shop")]
    public void FormatParse_RoundTrips(string line) => Assert.Equal(line, ResourceKey.Parse(line).Format());

    [Fact]
    public void Parse_BadLine_NamesTheLine()
    {
        var ex = Assert.Throws<FormatException>(() => ResourceKey.Parse("nonsense"));
        Assert.Contains("nonsense", ex.Message);
    }

    [Theory]
    [InlineData("apps", "Deployment", "shop", "web", "guestbook:apps/Deployment:shop/web")]
    [InlineData("", "Namespace", "", "shop", "guestbook:/Namespace:/shop")]
    public void TrackingId_Format_IsArgoStyle(string group, string kind, string ns, string name, string expected)
        => Assert.Equal(expected, WellKnown.TrackingId("guestbook", new ResourceKey(group, "v1", kind, ns, name)));
}
