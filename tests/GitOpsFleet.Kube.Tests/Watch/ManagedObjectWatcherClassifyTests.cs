using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Watch;

namespace GitOpsFleet.Kube.Tests.Watch;

public sealed class ManagedObjectWatcherClassifyTests
{
    private static JsonObject Deployment(string resourceVersion, int replicas, int readyReplicas, string? annotation = null) => JsonNode.Parse($$"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"shop","uid":"u1","resourceVersion":"{{resourceVersion}}",
           "annotations":{"note":"{{annotation ?? "a"}}"},
           "managedFields":[{"manager":"kube-controller-manager","time":"{{resourceVersion}}"}]},
         "spec":{"replicas":{{replicas}}},
         "status":{"readyReplicas":{{readyReplicas}} } }
        """)!.AsObject();

    [Fact]
    public void Classify_OnlyStatusAndBookkeepingChanged_StatusOnly()
    {
        var seen = new Dictionary<string, int>();
        Assert.Equal("ADDED", ManagedObjectWatcher.Classify("ADDED", Deployment("1", 2, 0), seen));

        Assert.Equal(ManagedObjectWatcher.StatusOnly, ManagedObjectWatcher.Classify("MODIFIED", Deployment("2", 2, 1), seen));
    }

    [Theory]
    [InlineData(3, "a")]
    [InlineData(2, "edited")]
    public void Classify_SpecOrMetadataChanged_Modified(int replicas, string annotation)
    {
        var seen = new Dictionary<string, int>();
        ManagedObjectWatcher.Classify("ADDED", Deployment("1", 2, 0), seen);

        Assert.Equal("MODIFIED", ManagedObjectWatcher.Classify("MODIFIED", Deployment("2", replicas, 0, annotation), seen));
    }

    [Fact]
    public void Classify_FirstSeenAsModifiedOrAfterDelete_Modified()
    {
        var seen = new Dictionary<string, int>();
        Assert.Equal("MODIFIED", ManagedObjectWatcher.Classify("MODIFIED", Deployment("1", 2, 0), seen));
        Assert.Equal("DELETED", ManagedObjectWatcher.Classify("DELETED", Deployment("2", 2, 0), seen));

        Assert.Equal("MODIFIED", ManagedObjectWatcher.Classify("MODIFIED", Deployment("3", 2, 0), seen));
    }
}
