namespace GitOpsFleet.Hub.Grains;

/// <summary>A join token as stored: only the hash of its secret.</summary>
[GenerateSerializer, Immutable]
public sealed record JoinTokenRecord(
    string Id,
    string TokenHash,
    long ExpiresUnixMs,
    bool Reusable,
    IReadOnlyDictionary<string, string> Labels,
    int Uses,
    bool Revoked,
    long CreatedUnixMs)
{
    /// <summary>Clusters that join with it receive nothing until `fleet cluster approve`.</summary>
    [Id(8)] public bool RequireApproval { get; init; }
}

/// <summary>Why a join token was refused, or the labels it grants.</summary>
[GenerateSerializer, Immutable]
public sealed record JoinTokenCheck(bool Valid, string Reason, string TokenId, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The cluster must be approved before it receives anything.</summary>
    [Id(4)] public bool RequireApproval { get; init; }
}

/// <summary>An API token as stored: the hash and the role, never the token.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiTokenRecord(string Id, string Hash, string Role, string Description, long CreatedUnixMs)
{
    /// <summary>For role project: the only project whose applications the token may touch.</summary>
    [Id(5)] public string Project { get; init; } = "";

    /// <summary>When the token stops working; 0: never.</summary>
    [Id(6)] public long ExpiresUnixMs { get; init; }
}

/// <summary>API token roles.</summary>
public static class ApiRoles
{
    public const string Admin = "admin";
    public const string ReadOnly = "readonly";

    /// <summary>Reads and writes the applications of one project, nothing else.</summary>
    public const string Project = "project";
}
