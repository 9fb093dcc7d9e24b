using k8s;
using k8s.Models;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Server-side apply to the main resource never takes .status of kinds that have a status subresource.</summary>
[Collection(HostCollection.Name)]
public sealed class ApplyStatusScopeTests(HostFixture fixture)
{
    // A ClusterIP Service: it has a status subresource but no simulated controller writes to it,
    // so any resourceVersion change can only come from the apply itself.
    private const string ServiceWithStatus = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"10.9.9.9"}]}}}
        """;

    [Fact]
    public async Task ApplyPatch_ManifestCarryingStatus_ReapplyKeepsResourceVersionAndOwnsNoStatus()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("applystatus"));
        var patch = new V1Patch(ServiceWithStatus, V1Patch.PatchType.ApplyPatch);

        var first = await client.CoreV1.PatchNamespacedServiceAsync(patch, "web", "default", fieldManager: "gitops");
        var second = await client.CoreV1.PatchNamespacedServiceAsync(patch, "web", "default", fieldManager: "gitops");

        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        var entry = Assert.Single(second.Metadata.ManagedFields, m => m.Manager == "gitops");
        Assert.DoesNotContain("f:status", entry.FieldsV1.ToString() ?? "");
        Assert.Null(second.Status?.LoadBalancer?.Ingress);
    }
}
