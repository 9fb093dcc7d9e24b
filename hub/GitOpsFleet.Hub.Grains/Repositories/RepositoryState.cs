namespace GitOpsFleet.Hub.Grains;

[GenerateSerializer]
internal sealed class RepositoryState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public RepositoryModel? Repository { get; set; }
    /// <summary>Application name to the revision it follows.</summary>
    [Id(2)] public Dictionary<string, string> Subscribers { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Revision to the commit it last resolved to.</summary>
    [Id(3)] public Dictionary<string, string> Heads { get; set; } = new(StringComparer.Ordinal);
}
