namespace GitOpsFleet.KubeSim.Api;

/// <summary>Per-request write settings taken from the query string.</summary>
internal sealed record WriteOptions(string Manager, bool DryRun, bool Force)
{
    /// <summary>Writes done by the simulated controllers themselves.</summary>
    public static readonly WriteOptions Controller = new("kube-controller-manager", false, false);
}

/// <summary>Settings of one DELETE: dry run, propagation policy and preconditions.</summary>
internal sealed record DeleteOptions(bool DryRun, string? PropagationPolicy, string? PreconditionUid, string? PreconditionResourceVersion)
{
    public static readonly DeleteOptions Default = new(false, null, null, null);
}
