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
    long LastFetchUnixMs);

/// <summary>Result of resolving a revision: a commit, or an error fit to show on the application.</summary>
[GenerateSerializer, Immutable]
public sealed record ResolveResult(string? Commit, string? Error);
