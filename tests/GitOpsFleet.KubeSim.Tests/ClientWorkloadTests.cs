using k8s;
using System.Text.Json.Nodes;
using k8s.Models;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Simulated controllers observed through the typed KubernetesClient.</summary>
[Collection(HostCollection.Name)]
public sealed class ClientWorkloadTests(HostFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string DeploymentJson(string name, string image, int? progressDeadlineSeconds = null, string? annotation = null)
    {
        var d = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 2,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }) },
                },
            },
        };
        if (progressDeadlineSeconds is { } seconds)
        {
            d["spec"]!["progressDeadlineSeconds"] = seconds;
        }
        if (annotation is not null)
        {
            d["metadata"]!["annotations"] = new JsonObject { [annotation] = "true" };
        }
        return d.ToJsonString();
    }

    private static V1DeploymentCondition? Condition(V1Deployment d, string type) => d.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    [Fact]
    public async Task ApplyPatch_HealthyDeployment_BecomesAvailable()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("healthy"));

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(DeploymentJson("web", "nginx:1.27"), V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: "test", force: true);

        var d = await Eventually.UntilAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("web", "default"),
            d => Condition(d, "Available")?.Status == "True" && Condition(d, "Progressing")?.Reason == "NewReplicaSetAvailable",
            Deadline, "web to become Available");
        Assert.Equal(2, d.Status.ReadyReplicas);
        Assert.Equal(2, d.Status.UpdatedReplicas);
        Assert.Equal(2, d.Status.AvailableReplicas);
        Assert.Equal(d.Metadata.Generation, d.Status.ObservedGeneration);
        var rs = Assert.Single((await client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items);
        Assert.Equal("Deployment", rs.Metadata.OwnerReferences.Single().Kind);
        var pods = (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web")).Items;
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", p.Status.Phase));
    }

    [Fact]
    public async Task ApplyPatch_BrokenImage_NeverAvailableAndDeadlineExceeded()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("broken"));

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(DeploymentJson("bad", "nginx:broken", progressDeadlineSeconds: 1), V1Patch.PatchType.ApplyPatch), "bad", "default", fieldManager: "test");

        var d = await Eventually.UntilAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("bad", "default"),
            d => Condition(d, "Progressing")?.Reason == "ProgressDeadlineExceeded", Deadline, "bad to exceed its deadline");
        Assert.Equal("False", Condition(d, "Progressing")!.Status);
        Assert.Equal("False", Condition(d, "Available")!.Status);
        var pods = (await client.CoreV1.ListNamespacedPodAsync("default")).Items;
        Assert.NotEmpty(pods);
        Assert.All(pods, p => Assert.Equal("ImagePullBackOff", p.Status.ContainerStatuses?.Single().State.Waiting?.Reason));
    }

    [Fact]
    public async Task ApplyPatch_FailAnnotation_PodsCrashLoop()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("crash"));

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(DeploymentJson("crashy", "nginx:1.27", annotation: "kubesim.gitopsfleet.io/fail"), V1Patch.PatchType.ApplyPatch), "crashy", "default", fieldManager: "test");

        var pods = await Eventually.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync("default")).Items,
            p => p.Count == 2 && p.All(x => x.Status.ContainerStatuses is not null), Deadline, "two pods with container statuses");
        Assert.All(pods, p => Assert.Equal("CrashLoopBackOff", p.Status.ContainerStatuses.Single().State.Waiting?.Reason));
        var d = await client.AppsV1.ReadNamespacedDeploymentAsync("crashy", "default");
        Assert.NotEqual("True", Condition(d, "Available")?.Status);
    }

    [Fact]
    public async Task Controllers_JobPvcLoadBalancerStatefulSetDaemonSet_ReachTheirReadyStates()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("kinds"));
        V1PodTemplateSpec Template(string? restartPolicy = null) => new()
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox:1" }], RestartPolicy = restartPolicy },
        };
        var selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } };

        await client.BatchV1.CreateNamespacedJobAsync(new V1Job { Metadata = new V1ObjectMeta { Name = "once" }, Spec = new V1JobSpec { Template = Template("Never") } }, "default");
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, "default");
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "lb" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] } }, "default");
        await client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db" }, Spec = new V1StatefulSetSpec { Selector = selector, ServiceName = "db", Template = Template(), Replicas = 2 } }, "default");
        await client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "agent" }, Spec = new V1DaemonSetSpec { Selector = selector, Template = Template() } }, "default");

        var job = await Eventually.UntilAsync(() => client.BatchV1.ReadNamespacedJobAsync("once", "default"), j => j.Status?.Succeeded == 1, Deadline, "the job to complete");
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        await Eventually.UntilAsync(() => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default"), p => p.Status?.Phase == "Bound", Deadline, "the PVC to bind");
        var lb = await Eventually.UntilAsync(() => client.CoreV1.ReadNamespacedServiceAsync("lb", "default"), s => s.Status?.LoadBalancer?.Ingress?.Count > 0, Deadline, "a load balancer address");
        Assert.Equal("127.0.0.1", lb.Status.LoadBalancer.Ingress[0].Ip);
        Assert.False(string.IsNullOrEmpty(lb.Spec.ClusterIP));
        await Eventually.UntilAsync(() => client.AppsV1.ReadNamespacedStatefulSetAsync("db", "default"), s => s.Status?.ReadyReplicas == 2, Deadline, "the StatefulSet to be ready");
        Assert.NotNull(await client.CoreV1.ReadNamespacedPodAsync("db-0", "default"));
        await Eventually.UntilAsync(() => client.AppsV1.ReadNamespacedDaemonSetAsync("agent", "default"), s => s.Status?.NumberReady == 1, Deadline, "the DaemonSet to be ready");
        await client.NetworkingV1.CreateNamespacedIngressAsync(new V1Ingress { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1IngressSpec { DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "lb", Port = new V1ServiceBackendPort { Number = 80 } } } } }, "default");
        await client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V2HorizontalPodAutoscalerSpec { MinReplicas = 1, MaxReplicas = 5, ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db" } },
        }, "default");
        await Eventually.UntilAsync(() => client.NetworkingV1.ReadNamespacedIngressAsync("web", "default"), i => i.Status?.LoadBalancer?.Ingress?.Count > 0, Deadline, "an ingress address");
        var hpa = await Eventually.UntilAsync(() => client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("db", "default"), h => h.Status?.Conditions?.Count > 0, Deadline, "HPA conditions");
        Assert.Equal(2, hpa.Status.DesiredReplicas);
        Assert.Contains(hpa.Status.Conditions, c => c.Type == "ScalingActive" && c.Status == "True");
    }

    [Fact]
    public async Task CreateJob_FailAnnotation_FailsWithBackoffLimitExceeded()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("jobfail"));

        await client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "migrate", Annotations = new Dictionary<string, string> { ["kubesim.gitopsfleet.io/fail"] = "true" } },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox:1" }], RestartPolicy = "Never" } } },
        }, "default");

        var job = await Eventually.UntilAsync(() => client.BatchV1.ReadNamespacedJobAsync("migrate", "default"),
            j => j.Status?.Conditions?.Any(c => c.Type == "Failed") == true, Deadline, "the job to fail");
        Assert.Equal("BackoffLimitExceeded", job.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        Assert.Equal(1, job.Status.Failed);
        Assert.Null(job.Status.CompletionTime);
        Assert.Equal("Failed", Assert.Single((await client.CoreV1.ListNamespacedPodAsync("default")).Items).Status.Phase);
    }

    [Fact]
    public async Task DeleteDeployment_WithReplicaSetAndPods_CollectsDependents()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("gc"));
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(DeploymentJson("web", "nginx:1"), V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: "test");
        await Eventually.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync("default")).Items.Count, n => n == 2, Deadline, "two pods");

        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default");

        await Eventually.UntilAsync(async () => (await client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items.Count + (await client.CoreV1.ListNamespacedPodAsync("default")).Items.Count,
            n => n == 0, Deadline, "ReplicaSet and pods to be collected");
    }
}
