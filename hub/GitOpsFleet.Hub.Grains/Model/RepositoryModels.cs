namespace GitOpsFleet.Hub.Grains;

/// <summary>A repository as stored; the password never leaves the hub through the API.</summary>
[GenerateSerializer, Immutable]
public sealed record RepositoryModel(
    string Name,
    string Url,
    int PollIntervalSeconds,
    string Username,
    string Password,
    string LastError,
    long LastFetchUnixMs)
{
    /// <summary>Checks webhook deliveries for this repository (HMAC key or GitLab token); write-only like the password.</summary>
    [Id(7)] public string WebhookSecret { get; init; } = "";
}

/// <summary>Result of resolving a revision: a commit, or an error fit to show on the application.</summary>
[GenerateSerializer, Immutable]
public sealed record ResolveResult(string? Commit, string? Error);
