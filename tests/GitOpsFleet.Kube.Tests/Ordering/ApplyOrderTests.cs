using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Ordering;

namespace GitOpsFleet.Kube.Tests.Ordering;

public sealed class ApplyOrderTests
{
    private static JsonObject Obj(string kind, string name, string? wave = null, string? argoWave = null, string? hook = null)
    {
        var annotations = new JsonObject();
        if (wave is not null) annotations[WellKnown.SyncWaveAnnotation] = wave;
        if (argoWave is not null) annotations[WellKnown.ArgoSyncWaveAnnotation] = argoWave;
        if (hook is not null) annotations[WellKnown.ArgoHookAnnotation] = hook;
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = annotations } };
    }

    [Theory]
    [InlineData(new[] { "Deployment", "Service", "ConfigMap", "Namespace" }, new[] { "Namespace", "ConfigMap", "Service", "Deployment" })]
    [InlineData(new[] { "Widget", "CustomResourceDefinition", "Namespace" }, new[] { "Namespace", "CustomResourceDefinition", "Widget" })]
    [InlineData(new[] { "Deployment", "RoleBinding", "ServiceAccount", "Role" }, new[] { "ServiceAccount", "Role", "RoleBinding", "Deployment" })]
    [InlineData(new[] { "Ingress", "Job", "Secret", "ClusterRole" }, new[] { "Secret", "ClusterRole", "Job", "Ingress" })]
    [InlineData(new[] { "StatefulSet", "PersistentVolumeClaim", "StorageClass" }, new[] { "StorageClass", "PersistentVolumeClaim", "StatefulSet" })]
    public void Sort_Kinds_DependenciesFirst(string[] input, string[] expected)
    {
        var sorted = ApplyOrder.Sort(input.Select(k => Obj(k, "x")), o => o);
        Assert.Equal(expected, sorted.Select(o => o.Str("kind")));
    }

    [Fact]
    public void Sort_Waves_LowerWaveFirstWhateverTheKind()
    {
        var objects = new[] { Obj("Namespace", "late", wave: "5"), Obj("Deployment", "early", wave: "-1"), Obj("ConfigMap", "mid") };
        var sorted = ApplyOrder.Sort(objects, o => o);
        Assert.Equal(["early", "mid", "late"], sorted.Select(o => o.Str("metadata", "name")));
    }

    [Theory]
    [InlineData("3", null, 3)]
    [InlineData(null, "-2", -2)]
    [InlineData("1", "7", 1)]
    [InlineData("not-a-number", null, 0)]
    [InlineData(null, null, 0)]
    public void Wave_Annotations_OwnAnnotationWinsOverArgo(string? own, string? argo, int expected)
        => Assert.Equal(expected, ApplyOrder.Wave(Obj("ConfigMap", "c", own, argo)));

    [Theory]
    [InlineData("PreSync", new[] { SyncPhase.PreSync })]
    [InlineData("PreSync,SyncFail", new[] { SyncPhase.PreSync, SyncPhase.SyncFail })]
    [InlineData("PostSync", new[] { SyncPhase.PostSync })]
    [InlineData("Skip", new SyncPhase[0])]
    [InlineData(null, new SyncPhase[0])]
    public void HookPhases_Annotation_Parsed(string? hook, SyncPhase[] expected)
        => Assert.Equal(expected, ApplyOrder.HookPhases(Obj("Job", "j", hook: hook)));

    [Fact]
    public void Sort_SameKind_ByNamespaceThenName()
    {
        var sorted = ApplyOrder.Sort(new[] { Obj("ConfigMap", "b"), Obj("ConfigMap", "a") }, o => o);
        Assert.Equal(["a", "b"], sorted.Select(o => o.Str("metadata", "name")));
    }
}
