using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Rest;

/// <summary>An object as a server-side apply returned it, and whether that apply created it.</summary>
public sealed record AppliedObject(JsonObject Object, bool Created);
