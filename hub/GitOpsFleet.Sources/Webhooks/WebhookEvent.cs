namespace GitOpsFleet.Sources.Webhooks;

/// <summary>What a webhook delivery asks for.</summary>
public enum WebhookEventKind
{
    /// <summary>Commits or tags were pushed: refresh the repositories named.</summary>
    Push,

    /// <summary>The provider checks the endpoint: answer 200, do nothing.</summary>
    Ping,

    /// <summary>An event we do not act on (issues, pull requests ...): answer 200, do nothing.</summary>
    Ignored,
}

/// <summary>A verified, parsed webhook delivery: the repositories it concerns (every URL form the provider sent) and the pushed ref.</summary>
public sealed record WebhookEvent(WebhookEventKind Kind, IReadOnlyList<string> RepositoryUrls, string? Ref, string Description)
{
    /// <summary>The branch a push updated ("main" for refs/heads/main), else null.</summary>
    public string? Branch => Ref is not null && Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? Ref["refs/heads/".Length..] : null;

    /// <summary>True when <paramref name="repositoryUrl"/> is one of the repositories this event concerns, whatever URL form each side uses.</summary>
    public bool Concerns(string repositoryUrl) => RepositoryUrls.Any(u => RepositoryUrl.SameRepository(u, repositoryUrl));
}

/// <summary>A delivery that must be refused, with the HTTP status to answer (400, 401, 413).</summary>
public sealed class WebhookException(int httpStatus, string message) : Exception(message)
{
    /// <summary>The HTTP status code to answer with.</summary>
    public int HttpStatus { get; } = httpStatus;
}
