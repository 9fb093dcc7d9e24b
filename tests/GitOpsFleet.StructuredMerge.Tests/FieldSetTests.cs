using System.Text.Json.Nodes;
using static GitOpsFleet.StructuredMerge.Tests.Fixtures;

namespace GitOpsFleet.StructuredMerge.Tests;

public class FieldSetTests
{
    [Theory]
    [InlineData("fieldsv1/client-side-apply-deployment.json")]
    [InlineData("fieldsv1/service-status.json")]
    [InlineData("fieldsv1/service.fieldsv1.json")]
    [InlineData("apply/deployment.fieldsv1.json")]
    public void FromFieldsV1_ThenToFieldsV1_RoundTripsExactly(string fixture)
    {
        var fields = (JsonObject)Load(fixture)!;

        var set = FieldSet.FromFieldsV1(fields);

        Assert.Equal(Json(fields), Json(set.ToFieldsV1()));
        Assert.Equal(set, FieldSet.FromFieldsV1(set.ToFieldsV1()));
    }

    [Theory]
    [InlineData("apply/deployment.yaml", "apply/deployment.fieldsv1.json")]
    [InlineData("fieldsv1/service.yaml", "fieldsv1/service.fieldsv1.json")]
    public void FromObject_KubernetesObject_OwnsLeavesAndKeyedItems(string objectFixture, string fieldsFixture)
    {
        var set = FieldSet.FromObject(Object(objectFixture));

        Assert.Equal(Json(Load(fieldsFixture)), Json(set.ToFieldsV1()));
    }

    [Fact]
    public void Paths_MembersAtALevelFirst_InApiServerSpelling()
    {
        var set = FieldSet.FromFieldsV1((JsonObject)Load("fieldsv1/client-side-apply-deployment.json")!);

        Assert.Equal(
            [
                ".metadata.annotations",
                ".metadata.finalizers",
                ".metadata.labels",
                ".metadata.annotations.kubectl.kubernetes.io/last-applied-configuration",
                ".metadata.finalizers[=\"example.com/protect\"]",
                ".metadata.labels.app",
                ".spec.progressDeadlineSeconds",
                ".spec.replicas",
                ".spec.template.spec.containers[name=\"nginx\"]",
                ".spec.template.spec.containers[name=\"nginx\"].image",
                ".spec.template.spec.containers[name=\"nginx\"].name",
                ".spec.template.spec.containers[name=\"nginx\"].ports",
                ".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"]",
                ".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"].containerPort",
                ".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"].protocol",
            ],
            set.Paths);
    }

    [Fact]
    public void SetOperations_UnionExceptIntersect_WorkOnMembers()
    {
        var deployment = FieldSet.FromObject(Object("apply/deployment.yaml"));
        var replicas = FieldSet.FromObject(Object("apply/replicas-3.yaml"));

        Assert.True(deployment.Union(replicas).Equals(deployment));
        Assert.Equal([".spec.replicas"], deployment.Intersect(replicas).Paths);
        Assert.False(deployment.Except(replicas).Contains(".spec.replicas"));
        Assert.True(replicas.Except(deployment).IsEmpty);
        Assert.Equal(deployment.Count - 1, deployment.Except(replicas).Count);
        Assert.True(FieldSet.Empty.IsEmpty);
        Assert.Equal("{}", Json(FieldSet.Empty.ToFieldsV1()));
    }

    [Theory]
    [InlineData("""{"f:a":{}}""", """{"f:a":{}}""", true)]
    [InlineData("""{"f:a":{"f:b":{}}}""", """{"f:a":{".":{},"f:b":{}}}""", false)]
    [InlineData("""{"f:a":{"f:b":{}},"f:c":{}}""", """{"f:c":{},"f:a":{"f:b":{}}}""", true)]
    [InlineData("""{"f:a":{"f:b":{}}}""", """{"f:a":{"f:c":{}}}""", false)]
    [InlineData("""{"f:a":{}}""", """{"f:a":{},"f:b":{}}""", false)]
    [InlineData("""{"f:a":{},"f:b":{}}""", """{"f:a":{}}""", false)]
    [InlineData("""{}""", """{"f:a":{".":{}}}""", false)]
    public void Equals_SameOrOtherMembers_ComparesMembersOnly(string left, string right, bool equal)
    {
        var a = FieldSet.FromFieldsV1(JsonNode.Parse(left)!.AsObject());
        var b = FieldSet.FromFieldsV1(JsonNode.Parse(right)!.AsObject());

        Assert.Equal(equal, a.Equals(b));
        Assert.Equal(equal, b.Equals(a));
        Assert.Equal(equal, a.Paths.SequenceEqual(b.Paths));
    }

    [Fact]
    public void Equals_EmptyBranchesLeftByExcept_NotMembers()
    {
        var ab = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:a":{"f:b":{}},"f:c":{}}""")!.AsObject());
        var c = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:c":{}}""")!.AsObject());
        var a = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:a":{"f:b":{}}}""")!.AsObject());

        Assert.True(ab.Except(a).Equals(c));
        Assert.True(ab.Except(ab).IsEmpty);
        Assert.False(ab.Except(c).IsEmpty);
        Assert.True(ab.Except(ab).Equals(FieldSet.Empty));
    }

    [Theory]
    [InlineData(".spec.template.spec.containers", "name")]
    [InlineData(".spec.template.spec.containers[name=\"web\"].ports", "containerPort,protocol")]
    [InlineData(".spec.jobTemplate.spec.template.spec.initContainers.env", "name")]
    [InlineData(".spec.template.spec.containers.volumeMounts", "mountPath")]
    [InlineData(".spec.ports", "port,protocol")]
    [InlineData(".status.conditions", "type")]
    [InlineData(".metadata.ownerReferences", "uid")]
    [InlineData(".spec.template.spec.topologySpreadConstraints", "topologyKey,whenUnsatisfiable")]
    [InlineData(".metadata.finalizers", "")]
    [InlineData(".spec.template.spec.tolerations", null)]
    [InlineData(".spec.template.spec.containers.envFrom", null)]
    [InlineData(".spec.template.spec.containers.args", null)]
    public void MergeKeysFor_KnownPaths_GivesTheApiServersKeys(string path, string? keys)
    {
        var actual = MergeKeys.For(path);

        Assert.Equal(keys, actual is null ? null : string.Join(",", actual));
    }

    [Fact]
    public void ExtractFrom_AppliedFieldsOfLiveObject_GivesOwnedValuesWithListKeys()
    {
        var live = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0).Object;
        live = ServerSideApply.Apply(live, Object("apply/sidecar-image.yaml"), "injector", false, T1).Object;
        live["status"] = JsonNode.Parse("""{"replicas":2}""");

        var owned = ManagedFieldsTracker.FieldsOwnedBy(live, "injector", "Apply").ExtractFrom(live);

        Assert.Equal("""{"spec":{"template":{"spec":{"containers":[{"image":"busybox:1.36","name":"sidecar"}]}}}}""", Json(owned));
    }

    [Fact]
    public void FromFieldsV1_MalformedKeyToken_IsKeptAsOpaqueName()
    {
        var set = FieldSet.FromFieldsV1((JsonObject)JsonNode.Parse("""{"f:spec":{"k:{not json":{}}}""")!);

        Assert.Equal(1, set.Count);
        Assert.Equal("""{"f:spec":{"k:{not json":{}}}""", Json(set.ToFieldsV1()));
    }
}
