using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>Parallel writers against one cluster: optimistic concurrency holds and no write is lost.</summary>
[Collection(HostCollection.Name)]
public sealed class ConcurrencyTests(HostFixture fixture)
{
    [Fact]
    public async Task Create_SameNameInParallel_ExactlyOneWins()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("race"));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "contested" }, Data = new Dictionary<string, string> { ["by"] = i.ToString() } }, "default");
                return HttpStatusCode.Created;
            }
            catch (HttpOperationException e)
            {
                return e.Response.StatusCode;
            }
        }));

        Assert.Equal(1, attempts.Count(a => a == HttpStatusCode.Created));
        Assert.Equal(19, attempts.Count(a => a == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task ApplyPatch_ManyManagersInParallel_EveryFieldKeptAndVersionsUnique()
    {
        using var client = ClusterClient.For(await fixture.NewClusterAsync("managers"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared","namespace":"default"},"data":{"key-N":"v"}}""".Replace("key-N", $"key-{i}", StringComparison.Ordinal), V1Patch.PatchType.ApplyPatch),
                "shared", "default", fieldManager: $"manager-{i}")));

        var final = await client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default");
        Assert.Equal(20, final.Data.Count);
        Assert.Equal(20, final.Metadata.ManagedFields.Count);
        Assert.Equal(20, results.Select(r => r.Metadata.ResourceVersion).Distinct().Count());
    }
}
