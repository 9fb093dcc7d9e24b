using System.Text.Json.Nodes;
using static GitOpsFleet.StructuredMerge.Tests.Fixtures;

namespace GitOpsFleet.StructuredMerge.Tests;

public class ManagedFieldsTrackerTests
{
    [Fact]
    public void RecordUpdate_Create_ManagerOwnsEveryTrackedField()
    {
        var created = ManagedFieldsTracker.RecordUpdate(null, Object("apply/deployment.yaml"), "kubectl-create", null, T0);

        var entry = Entry(created, "kubectl-create", "Update")!;
        Assert.Equal(["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"], entry.Select(p => p.Key));
        Assert.Equal("apps/v1", (string?)entry["apiVersion"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)entry["time"]);
        Assert.Equal(Json(Load("apply/deployment.fieldsv1.json")), Json(entry["fieldsV1"]));
    }

    [Fact]
    public void RecordUpdate_NothingChanged_KeepsManagedFieldsByteIdentical()
    {
        var applied = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0).Object;
        var put = (JsonObject)applied.DeepClone();
        ((JsonObject)put["metadata"]!).Remove("managedFields"); // a PUT body without managedFields keeps the stored ones

        var stored = ManagedFieldsTracker.RecordUpdate(applied, put, "kubectl-replace", null, T1);

        Assert.Equal(Json(applied), Json(stored));
    }

    [Fact]
    public void RecordUpdate_StatusSubresource_RecordsSubresourceAndLeavesSpecOwners()
    {
        var applied = ServerSideApply.Apply(null, Object("fieldsv1/service.yaml"), "gitopsfleet", false, T0).Object;
        var withStatus = (JsonObject)applied.DeepClone();
        withStatus["status"] = JsonNode.Parse("""{"loadBalancer":{"ingress":[{"ip":"10.0.0.7"}]}}""");

        var stored = ManagedFieldsTracker.RecordUpdate(applied, withStatus, "service-controller", "status", T1);

        var entry = Entry(stored, "service-controller", "Update")!;
        Assert.Equal("status", (string?)entry["subresource"]);
        Assert.Equal(Json(Load("fieldsv1/service-status.json")), Json(entry["fieldsV1"]));
        Assert.Equal(Json(Entry(applied, "gitopsfleet")), Json(Entry(stored, "gitopsfleet")));
        Assert.Equal(["Apply", "Update"], ((JsonArray)stored["metadata"]!["managedFields"]!).Select(e => (string?)e!["operation"]));
    }

    [Fact]
    public void RecordUpdate_ChangedAndRemovedFields_LeaveOtherManagersSets()
    {
        var applied = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0).Object;
        var edited = (JsonObject)applied.DeepClone();
        edited["spec"]!["replicas"] = 7;
        ((JsonObject)edited["metadata"]!["labels"]!).Remove("tier");

        var stored = ManagedFieldsTracker.RecordUpdate(applied, edited, "kubectl-edit", null, T1);

        var applier = ManagedFieldsTracker.FieldsOwnedBy(stored, "gitopsfleet", "Apply");
        var editor = ManagedFieldsTracker.FieldsOwnedBy(stored, "kubectl-edit", "Update");
        Assert.False(applier.Contains(".spec.replicas"));
        Assert.False(applier.Contains(".metadata.labels.tier"));
        Assert.True(applier.Contains(".metadata.labels.app"));
        Assert.Equal([".spec.replicas"], editor.Paths);
    }

    [Fact]
    public void RecordUpdate_ClientResetsManagedFields_DropsAllEntries()
    {
        var applied = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0).Object;
        var reset = (JsonObject)applied.DeepClone();
        reset["metadata"]!["managedFields"] = JsonNode.Parse("[{}]");

        var stored = ManagedFieldsTracker.RecordUpdate(applied, reset, "kubectl-patch", null, T1);

        Assert.False(((JsonObject)stored["metadata"]!).ContainsKey("managedFields"));
    }

    [Fact]
    public void FieldsOwnedBy_UnknownManager_IsEmpty()
    {
        var applied = ServerSideApply.Apply(null, Object("apply/deployment.yaml"), "gitopsfleet", false, T0).Object;

        Assert.True(ManagedFieldsTracker.FieldsOwnedBy(applied, "someone-else", "Apply").IsEmpty);
        Assert.True(ManagedFieldsTracker.FieldsOwnedBy(applied, "gitopsfleet", "Update").IsEmpty);
        Assert.False(ManagedFieldsTracker.FieldsOwnedBy(applied, "gitopsfleet", "Apply").IsEmpty);
    }
}
