using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Many clusters on one host: isolation, removal, kubeconfig, watch bookmarks.</summary>
[Collection(HostCollection.Name)]
public sealed class HostTests(HostFixture fixture)
{
    [Fact]
    public async Task AddCluster_Many_EachHoldsOnlyItsOwnObjects()
    {
        var clusters = new List<SimulatedCluster>();
        for (var i = 0; i < 50; i++)
        {
            clusters.Add(await fixture.NewClusterAsync("many"));
        }
        using var first = ClusterClient.For(clusters[0]);
        using var last = ClusterClient.For(clusters[^1]);

        await first.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "only-here" } }, "default");

        Assert.Single((await first.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
        Assert.Empty((await last.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], (await last.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name));
        Assert.Same(clusters[7], fixture.Host.GetCluster(clusters[7].Name));
        Assert.StartsWith(fixture.Host.BaseAddress + "clusters/", clusters[7].Server.ToString());
    }

    [Fact]
    public async Task RemoveCluster_Existing_NoLongerServed()
    {
        var cluster = await fixture.NewClusterAsync("removed");
        using var http = new HttpClient();
        var before = await http.GetAsync(new Uri(cluster.Server + "/api/v1/namespaces"));

        await fixture.Host.RemoveClusterAsync(cluster.Name, CancellationToken.None);
        var after = await http.GetAsync(new Uri(cluster.Server + "/api/v1/namespaces"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Null(fixture.Host.GetCluster(cluster.Name));
    }

    [Fact]
    public async Task WriteKubeconfig_Cluster_NamesClusterUserAndContext()
    {
        var cluster = await fixture.NewClusterAsync("kubeconfig");
        var path = Path.Combine(Path.GetTempPath(), $"{cluster.Name}.kubeconfig");
        try
        {
            var written = cluster.WriteKubeconfig(path);
            var config = k8s.KubernetesClientConfiguration.LoadKubeConfig(written);

            Assert.Equal(cluster.Name, config.CurrentContext);
            Assert.Equal(cluster.Name, config.Contexts.Single().ContextDetails.Cluster);
            Assert.Equal(cluster.Name, config.Contexts.Single().ContextDetails.User);
            Assert.Equal(cluster.Server.ToString().TrimEnd('/'), config.Clusters.Single().ClusterEndpoint.Server);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Watch_SendInitialEvents_StateThenEndBookmark()
    {
        var cluster = await fixture.NewClusterAsync("watchlist");
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri(cluster.Server + "/api/v1/namespaces?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"));

        var events = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["ADDED", "ADDED", "ADDED", "ADDED", "BOOKMARK"], events.Take(5).Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal("true", events[4]["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_AllowBookmarks_SendsBookmarkWithCurrentVersion()
    {
        var cluster = await fixture.NewClusterAsync("bookmark");
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri(cluster.Server + "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=2"));

        var events = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var bookmark = events.First(e => e["type"]!.GetValue<string>() == "BOOKMARK");
        Assert.Equal("ConfigMap", bookmark["object"]!["kind"]!.GetValue<string>());
        Assert.True(long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()) >= 4);
    }
}
