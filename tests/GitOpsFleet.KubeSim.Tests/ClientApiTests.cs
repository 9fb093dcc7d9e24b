using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Object semantics (dry run, watch, CRDs, selectors, paging, finalizers, generation) through KubernetesClient.</summary>
[Collection(HostCollection.Name)]
public sealed class ClientApiTests(HostFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static V1ConfigMap ConfigMap(string name, Dictionary<string, string>? labels = null, IList<string>? finalizers = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels, Finalizers = finalizers },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    [Fact]
    public async Task ApplyPatch_DryRun_ReturnsResultButStoresNothing()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("dryrun"));
        const string body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},"data":{"a":"1"}}""";

        var dry = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), "cfg", "default", fieldManager: "test", dryRun: "All");
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "default"));
        var created = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), "cfg", "default", fieldManager: "test");
        var changed = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body.Replace("\"1\"", "\"2\""), V1Patch.PatchType.ApplyPatch), "cfg", "default", fieldManager: "test", dryRun: "All");
        var stored = await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "default");

        Assert.Equal("1", dry.Data["a"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal("2", changed.Data["a"]);
        Assert.Equal("1", stored.Data["a"]);
        Assert.Equal(created.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_ConfigMaps_SeesAddedModifiedDeleted()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("watch"));
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        using var cts = new CancellationTokenSource(Deadline);
        var events = new List<(WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            var response = client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", watch: true, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token);
            // The list-with-watch form is what most existing clients use; it is marked obsolete in KubernetesClient 21.
#pragma warning disable CS0618
            await foreach (var (type, item) in response.WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cts.Token))
#pragma warning restore CS0618
            {
                events.Add((type, item.Metadata.Name));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("watched"), "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"changed"}}""", V1Patch.PatchType.MergePatch), "watched", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("watched", "default");
        await watching;

        Assert.Equal([(WatchEventType.Added, "watched"), (WatchEventType.Modified, "watched"), (WatchEventType.Deleted, "watched")], events);
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingAndEnteringArrivesAsDeletedAndAdded()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("watchsel"));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("tracked", new Dictionary<string, string> { ["managed"] = "yes" }), "default");
        using var cts = new CancellationTokenSource(Deadline);
        var events = new List<(WatchEventType, string)>();
        var started = new TaskCompletionSource();
        var watching = Task.Run(async () =>
        {
            var response = client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", labelSelector: "managed=yes", watch: true, cancellationToken: cts.Token);
#pragma warning disable CS0618
            await foreach (var (type, item) in response.WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cts.Token))
#pragma warning restore CS0618
            {
                lock (events) events.Add((type, item.Metadata.Name));
                started.TrySetResult();
                if (events.Count == 3)
                {
                    return;
                }
            }
        });
        await started.Task.WaitAsync(Deadline);

        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"managed":"no"}}}""", V1Patch.PatchType.MergePatch), "tracked", "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"ignored while unmatched"}}""", V1Patch.PatchType.MergePatch), "tracked", "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"managed":"yes"}}}""", V1Patch.PatchType.MergePatch), "tracked", "default");
        await watching;

        Assert.Equal([(WatchEventType.Added, "tracked"), (WatchEventType.Deleted, "tracked"), (WatchEventType.Added, "tracked")], events);
    }

    [Fact]
    public async Task CreateCrd_ThenCustomObjects_ServedAndEstablished()
    {
        var cluster = await fixture.NewClusterAsync("crd");
        using var client = ClusterClient.For(cluster);
        var crd = new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "widgets.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Kind = "Widget", Plural = "widgets", Singular = "widget", ListKind = "WidgetList" },
                Versions = [new V1CustomResourceDefinitionVersion
                {
                    Name = "v1", Served = true, Storage = true,
                    Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                }],
            },
        };

        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var established = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.example.com");
        var widget = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w1" }, ["spec"] = new JsonObject { ["size"] = 3 } };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(widget.ToJsonString()).RootElement, "example.com", "v1", "default", "widgets");
        var generic = new GenericClient(client, "example.com", "v1", "widgets", disposeClient: false);
        var read = await generic.ReadNamespacedAsync<Widget>("default", "w1");
        var resources = await client.CustomObjects.ListNamespacedCustomObjectAsync("example.com", "v1", "default", "widgets");

        Assert.Contains(established.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(established.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(3, read.Spec.GetProperty("size").GetInt32());
        Assert.Equal(1, read.Metadata.Generation);
        Assert.Equal("Widget", read.Kind);
        Assert.Single(((JsonElement)resources).GetProperty("items").EnumerateArray());
        using var kubectl = new Kubectl(cluster);
        var apiResources = await kubectl.RunAsync("api-resources", "--api-group=example.com");
        Assert.Contains("widgets", apiResources.Stdout);
    }

    [Fact]
    public async Task List_SelectorsAndPaging_ReturnTheRightItems()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("list"));
        for (var i = 0; i < 5; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm-{i}", new Dictionary<string, string> { ["tier"] = i % 2 == 0 ? "even" : "odd" }), "default");
        }

        var even = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier=even");
        var notEven = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier!=even,tier");
        var inSet = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier in (odd)");
        var byName = await client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=cm-3");
        var page1 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        var page2 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: page1.Metadata.ContinueProperty);
        var page3 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: page2.Metadata.ContinueProperty);
        var everywhere = await client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.namespace=default");

        Assert.Equal(["cm-0", "cm-2", "cm-4"], even.Items.Select(c => c.Metadata.Name));
        Assert.Equal(["cm-1", "cm-3"], notEven.Items.Select(c => c.Metadata.Name));
        Assert.Equal(["cm-1", "cm-3"], inSet.Items.Select(c => c.Metadata.Name));
        Assert.Equal("cm-3", Assert.Single(byName.Items).Metadata.Name);
        Assert.Equal(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"], page1.Items.Concat(page2.Items).Concat(page3.Items).Select(c => c.Metadata.Name));
        Assert.Null(page3.Metadata.ContinueProperty);
        Assert.Equal(5, everywhere.Items.Count);
        Assert.True(long.Parse(even.Metadata.ResourceVersion) >= 5);
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksThenRemovesWhenFinalizerGoes()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("finalizer"));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("held", finalizers: ["example.com/hold"]), "default");

        await client.CoreV1.DeleteNamespacedConfigMapAsync("held", "default");
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("held", "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", "default");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("held", "default"));

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Update_SpecLabelsAndStatus_GenerationMovesOnSpecOnly()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("generation"));
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1" }] },
                },
            },
            Status = new V1DeploymentStatus { Replicas = 42 },
        }, "default");

        var labelled = await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default");
        var scaled = await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.StrategicMergePatch), "web", "default");
        var statusWrite = await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch("""{"spec":{"replicas":9},"status":{"replicas":7}}""", V1Patch.PatchType.MergePatch), "web", "default");

        Assert.NotEqual(42, created.Status?.Replicas);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(1, labelled.Metadata.Generation);
        Assert.Equal(2, scaled.Metadata.Generation);
        Assert.Equal(3, statusWrite.Spec.Replicas);
        Assert.Equal(7, statusWrite.Status.Replicas);
        Assert.Equal(2, statusWrite.Metadata.Generation);
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(created.Metadata.Uid, statusWrite.Metadata.Uid);
        Assert.True(long.Parse(statusWrite.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_Conflict()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("stale"));
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg"), "default");
        first.Data["k"] = "one";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cfg", "default");
        first.Data["k"] = "two";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cfg", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"Conflict\"", error.Response.Content);
        Assert.Equal("one", (await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "default")).Data["k"]);
    }

    /// <summary>A custom resource as GenericClient reads it.</summary>
    public sealed class Widget : IKubernetesObject<V1ObjectMeta>
    {
        [System.Text.Json.Serialization.JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "";

        [System.Text.Json.Serialization.JsonPropertyName("kind")]
        public string Kind { get; set; } = "";

        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [System.Text.Json.Serialization.JsonPropertyName("spec")]
        public JsonElement Spec { get; set; }
    }
}
