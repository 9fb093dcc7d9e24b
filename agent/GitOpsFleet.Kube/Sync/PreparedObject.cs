using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Discovery;
using GitOpsFleet.Kube.Ordering;

namespace GitOpsFleet.Kube.Sync;

/// <summary>A desired object made ready to apply: namespace defaulted, tracking added, resource resolved.</summary>
internal sealed record PreparedObject(JsonObject Body, ResourceKey Key, ApiResource? Resource, string? Error)
{
    public IReadOnlyList<SyncPhase> HookPhases { get; } = ApplyOrder.HookPhases(Body);

    public bool IsHook => HookPhases.Count > 0;

    public bool IsCrd => Key.Group == "apiextensions.k8s.io" && Key.Kind == "CustomResourceDefinition";
}
