using System.Text.Json.Nodes;
using static GitOpsFleet.StructuredMerge.Tests.Fixtures;

namespace GitOpsFleet.StructuredMerge.Tests;

public class ServerSideApplyTests
{
    private static JsonObject Applied(string fixture, string manager = "gitopsfleet", JsonObject? live = null, DateTimeOffset? at = null)
    {
        var result = ServerSideApply.Apply(live, Object("apply/" + fixture), manager, force: false, at ?? T0);
        Assert.Empty(result.Conflicts);
        return result.Object;
    }

    [Fact]
    public void Apply_NewObject_CreatesItWithOneApplyEntry()
    {
        var result = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0);

        Assert.True(result.Changed);
        Assert.Equal(2L, (long)result.Object["spec"]!["replicas"]!);
        Assert.Equal("shop", (string?)result.Object["metadata"]!["namespace"]);
        var entries = (JsonArray)result.Object["metadata"]!["managedFields"]!;
        var entry = Assert.IsType<JsonObject>(Assert.Single(entries));
        Assert.Equal(["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"], entry.Select(p => p.Key));
        Assert.Equal("gitopsfleet", (string?)entry["manager"]);
        Assert.Equal("Apply", (string?)entry["operation"]);
        Assert.Equal("apps/v1", (string?)entry["apiVersion"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)entry["time"]);
        Assert.Equal(Json(Load("apply/deployment.fieldsv1.json")), Json(entry["fieldsV1"]));
    }

    [Theory]
    [InlineData("deployment.yaml")]
    [InlineData("replicas-3.yaml")]
    [InlineData("sidecar-image.yaml")]
    public void Apply_SameConfigAgain_IsUnchangedAndByteIdentical(string fixture)
    {
        var first = Applied(fixture);

        var again = ServerSideApply.Apply(first, Object("apply/" + fixture), "gitopsfleet", false, T1);

        Assert.False(again.Changed);
        Assert.Empty(again.Conflicts);
        Assert.Equal(Json(first), Json(again.Object));
        Assert.NotSame(first, again.Object);
    }

    [Fact]
    public void Apply_FieldsDropped_RemovesThemFromObject()
    {
        var first = Applied("deployment.yaml");

        var result = ServerSideApply.Apply(first, Object("apply/deployment-no-replicas.yaml"), "gitopsfleet", false, T1);

        Assert.True(result.Changed);
        Assert.False(((JsonObject)result.Object["spec"]!).ContainsKey("replicas"));
        Assert.Equal("""{"app":"web"}""", Json(result.Object["metadata"]!["labels"]));
        var owned = ManagedFieldsTracker.FieldsOwnedBy(result.Object, "gitopsfleet", "Apply");
        Assert.False(owned.Contains(".spec.replicas"));
        Assert.True(owned.Contains(".metadata.labels.app"));
        Assert.Equal("2026-01-02T03:05:05Z", (string?)Entry(result.Object, "gitopsfleet")!["time"]);
    }

    [Fact]
    public void Apply_ContainerDropped_RemovesItByKeyAndKeepsTheOthers()
    {
        var first = Applied("deployment.yaml");

        var result = ServerSideApply.Apply(first, Object("apply/deployment-no-sidecar.yaml"), "gitopsfleet", false, T1);

        var containers = (JsonArray)result.Object["spec"]!["template"]!["spec"]!["containers"]!;
        var nginx = Assert.Single(containers);
        Assert.Equal("nginx:1.25", (string?)nginx!["image"]);
        Assert.Equal(Json(first["spec"]!["template"]!["spec"]!["containers"]![0]), Json(nginx));
    }

    [Fact]
    public void Apply_SecondManagerSameValue_SharesAndKeepsSharedItemWhenFirstDropsIt()
    {
        var first = Applied("deployment.yaml", "gitopsfleet");
        var shared = ServerSideApply.Apply(first, Object("apply/sidecar-image.yaml"), "sidecar-injector", false, T1);
        Assert.True(shared.Changed); // the object is the same, the ownership is not
        Assert.Equal(Json(first["spec"]), Json(shared.Object["spec"]));

        var result = ServerSideApply.Apply(shared.Object, Object("apply/deployment-no-sidecar.yaml"), "gitopsfleet", false, T2);

        Assert.Empty(result.Conflicts);
        var containers = (JsonArray)result.Object["spec"]!["template"]!["spec"]!["containers"]!;
        Assert.Equal(2, containers.Count);
        // The injector still owns the sidecar and its image; the args only gitopsfleet owned are gone.
        Assert.Equal("""{"name":"sidecar","image":"busybox:1.36"}""", Json(containers[1]));
    }

    [Theory]
    [InlineData("replicas-3.yaml", "Apply failed with 1 conflict: conflict with \"gitopsfleet\": .spec.replicas")]
    [InlineData("deployment-replicas-5-image-1.26.yaml",
        "Apply failed with 2 conflicts: conflicts with \"gitopsfleet\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image")]
    public void Apply_OtherApplierOwnsDifferentValue_ConflictsAndAppliesNothing(string fixture, string message)
    {
        var first = Applied("deployment.yaml", "gitopsfleet");

        var result = ServerSideApply.Apply(first, Object("apply/" + fixture), "hpa", false, T1);

        Assert.False(result.Changed);
        Assert.Equal(message, result.ConflictMessage());
        Assert.Equal(Json(first), Json(result.Object));
        Assert.All(result.Conflicts, c => Assert.Equal("gitopsfleet", c.Manager));
    }

    [Fact]
    public void Apply_Force_TakesFieldFromOtherManager()
    {
        var first = Applied("deployment.yaml", "gitopsfleet");

        var result = ServerSideApply.Apply(first, Object("apply/replicas-3.yaml"), "hpa", force: true, T1);

        Assert.True(result.Changed);
        Assert.Empty(result.Conflicts);
        Assert.Equal(3L, (long)result.Object["spec"]!["replicas"]!);
        Assert.False(ManagedFieldsTracker.FieldsOwnedBy(result.Object, "gitopsfleet", "Apply").Contains(".spec.replicas"));
        Assert.True(ManagedFieldsTracker.FieldsOwnedBy(result.Object, "hpa", "Apply").Contains(".spec.replicas"));

        var back = ServerSideApply.Apply(result.Object, Object("apply/deployment.yaml"), "gitopsfleet", false, T2);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"hpa\": .spec.replicas", back.ConflictMessage());
    }

    [Theory]
    [InlineData("deployment-replicas-5.yaml",
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas")]
    [InlineData("deployment-replicas-5-image-1.26.yaml",
        "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image")]
    public void Apply_AfterUpdateWithOtherValue_ConflictsWithUpdateManager(string fixture, string message)
    {
        var created = ManagedFieldsTracker.RecordUpdate(null, Object("apply/deployment.yaml"), "kubectl-client-side-apply", null, T0);

        var result = ServerSideApply.Apply(created, Object("apply/" + fixture), "gitopsfleet", false, T1);

        Assert.Equal(message, result.ConflictMessage());
        Assert.All(result.Conflicts, c => Assert.Equal(("kubectl-client-side-apply", "apps/v1", "Update"), (c.Manager, c.ApiVersion, c.Operation)));
    }

    [Fact]
    public void Apply_AfterUpdateWithSameValues_SharesOwnership()
    {
        var created = ManagedFieldsTracker.RecordUpdate(null, Object("apply/deployment.yaml"), "kubectl-client-side-apply", null, T0);

        var result = ServerSideApply.Apply(created, Object("apply/deployment.yaml"), "gitopsfleet", false, T1);

        Assert.Empty(result.Conflicts);
        Assert.True(result.Changed);
        Assert.True(ManagedFieldsTracker.FieldsOwnedBy(result.Object, "gitopsfleet", "Apply").Contains(".spec.replicas"));
        Assert.True(ManagedFieldsTracker.FieldsOwnedBy(result.Object, "kubectl-client-side-apply", "Update").Contains(".spec.replicas"));
    }

    [Fact]
    public void Apply_AfterKubectlEditChangedField_ConflictsWithEditor()
    {
        var applied = Applied("deployment.yaml");
        var edited = (JsonObject)applied.DeepClone();
        edited["spec"]!["replicas"] = 4;
        var stored = ManagedFieldsTracker.RecordUpdate(applied, edited, "kubectl-edit", null, T1);

        var result = ServerSideApply.Apply(stored, Object("apply/deployment.yaml"), "gitopsfleet", false, T2);

        Assert.False(ManagedFieldsTracker.FieldsOwnedBy(stored, "gitopsfleet", "Apply").Contains(".spec.replicas"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas", result.ConflictMessage());
    }

    [Fact]
    public void Apply_SameValuesButFieldSetShrinks_IsAChange()
    {
        var first = Applied("deployment.yaml", "gitopsfleet");
        var shared = Applied("replicas-2.yaml", "hpa", first, T1);

        var result = ServerSideApply.Apply(shared, Object("apply/deployment-no-replicas.yaml"), "gitopsfleet", false, T2);

        Assert.True(result.Changed);
        Assert.Equal(2L, (long)result.Object["spec"]!["replicas"]!); // hpa still owns it
        Assert.False(ManagedFieldsTracker.FieldsOwnedBy(result.Object, "gitopsfleet", "Apply").Contains(".spec.replicas"));
    }

    [Fact]
    public void Apply_StatusSubresource_RecordsSubresourceAndNamesItInConflicts()
    {
        var status = JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"status":{"replicas":1}}""")!.AsObject();
        var live = ServerSideApply.Apply(Applied("deployment.yaml"), status, "controller", false, T1, "status").Object;
        status["status"]!["replicas"] = 2;

        var result = ServerSideApply.Apply(live, status, "intruder", false, T2, "status");

        Assert.Equal("status", (string?)Entry(live, "controller")!["subresource"]);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"controller\" with subresource \"status\": .status.replicas", result.ConflictMessage());
    }
}
