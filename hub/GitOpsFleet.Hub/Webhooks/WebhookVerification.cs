using GitOpsFleet.Sources.Webhooks;

namespace GitOpsFleet.Hub.Webhooks;

/// <summary>
/// A delivery checked against the repositories' webhook secrets: the parsed event and the repositories it may refresh
/// (those whose secret signed it, or those without a secret when it came unsigned).
/// </summary>
internal sealed record WebhookVerification(WebhookEvent Event, IReadOnlyList<WebhookRepository> Eligible)
{
    /// <summary>The header that carries each provider's signature or token.</summary>
    public static string SignatureHeader(string provider) => provider switch
    {
        "gitlab" => "X-Gitlab-Token",
        "bitbucket" => "X-Hub-Signature",
        _ => "X-Hub-Signature-256",
    };

    /// <exception cref="WebhookException">401 when no secret verifies, 400 for a malformed body (after verification).</exception>
    public static WebhookVerification Verify(string provider, IReadOnlyDictionary<string, string> headers, byte[] body,
        IReadOnlyList<WebhookRepository> repositories)
    {
        var secrets = repositories.Where(r => r.HasSecret).Select(r => r.Secret).Distinct(StringComparer.Ordinal).ToList();
        var signed = headers.ContainsKey(SignatureHeader(provider));
        if (signed && secrets.Count > 0)
        {
            // The body is parsed only once a secret verifies it, and only that secret's repositories may be refreshed.
            foreach (var secret in secrets)
            {
                try
                {
                    var delivery = WebhookParser.Parse(provider, headers, body, secret);
                    return new WebhookVerification(delivery, repositories.Where(r => r.Secret == secret).ToList());
                }
                catch (WebhookException ex) when (ex.HttpStatus == StatusCodes.Status401Unauthorized)
                {
                }
            }
            throw new WebhookException(StatusCodes.Status401Unauthorized,
                $"{provider} webhook: {SignatureHeader(provider)} matches no repository's webhook secret; set the same secret with `fleet repo add --webhook-secret` and on the provider");
        }
        if (!signed && repositories.Count > 0 && secrets.Count == repositories.Count)
        {
            throw new WebhookException(StatusCodes.Status401Unauthorized,
                $"{provider} webhook is unsigned (no {SignatureHeader(provider)}) but every repository has a webhook secret");
        }
        // Unsigned (or signed while no repository has a secret): only repositories without a secret may be refreshed.
        return new WebhookVerification(WebhookParser.Parse(provider, headers, body, null), repositories.Where(r => !r.HasSecret).ToList());
    }
}
