namespace GitOpsFleet.KubeSim.Model;

/// <summary>One served resource: its group/version/kind, URL name and what it supports.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced,
    bool HasStatus,
    string[] ShortNames,
    bool HasScale = false,
    bool Custom = false)
{
    public static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Singular => Kind.ToLowerInvariant();
    public string ListKind => Kind + "List";

    /// <summary>Name as it appears in error messages: "deployments.apps" or "configmaps".</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Kind as it appears in Invalid messages: "Deployment.apps" or "ConfigMap".</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>Key used by stores: group and plural identify a resource across versions.</summary>
    public string Key => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Kinds whose spec changes bump metadata.generation.</summary>
    public bool TracksGeneration => HasStatus || Custom || Kind is "PodDisruptionBudget" or "NetworkPolicy" or "Ingress";
}
