using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsFleet.Sources.Webhooks;

/// <summary>
/// Verifies and parses push webhooks from GitHub, GitLab, Bitbucket (Cloud and Server) and a generic JSON form.
/// The caller caps the body at <see cref="MaxBodyBytes"/> before reading it; the signature (or token) is checked on
/// the raw bytes before any JSON is parsed. With no secret configured, deliveries are accepted unsigned.
/// </summary>
public static class WebhookParser
{
    /// <summary>The largest body worth reading (GitHub caps payloads at 25 MB; a push is far smaller). 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The providers accepted in the path <c>/api/webhooks/{provider}</c>.</summary>
    public static readonly IReadOnlyList<string> Providers = ["github", "gitlab", "bitbucket", "generic"];

    /// <summary>Checks and parses one delivery. Header names are matched case-insensitively.</summary>
    /// <exception cref="WebhookException">Unknown provider (404), too large (413), bad signature (401) or malformed body (400).</exception>
    public static WebhookEvent Parse(string provider, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret)
    {
        var h = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        if (body.Length > MaxBodyBytes)
            throw new WebhookException(413, $"webhook body is {body.Length:N0} bytes; the limit is {MaxBodyBytes:N0}");

        switch (provider.ToLowerInvariant())
        {
            case "github":
                VerifyHmac(h, "X-Hub-Signature-256", body, secret, "GitHub");
                return GitHub(Header(h, "X-GitHub-Event"), body);
            case "gitlab":
                VerifyToken(h, "X-Gitlab-Token", secret);
                return GitLab(Header(h, "X-Gitlab-Event"), body);
            case "bitbucket":
                VerifyHmac(h, "X-Hub-Signature", body, secret, "Bitbucket");
                return Bitbucket(Header(h, "X-Event-Key"), body);
            case "generic":
                VerifyHmac(h, "X-Hub-Signature-256", body, secret, "generic");
                return Generic(body);
            default:
                throw new WebhookException(404, $"webhook provider '{provider}' is unknown; use github, gitlab, bitbucket or generic");
        }
    }

    private static WebhookEvent GitHub(string? eventName, ReadOnlySpan<byte> body)
    {
        if (eventName == "ping") return Ping("GitHub ping");
        if (eventName != "push") return Ignored($"GitHub event '{eventName}'");
        var json = Json(body);
        var repository = json["repository"] as JsonObject;
        var urls = Strings(repository, "clone_url", "html_url", "ssh_url", "git_url", "url");
        return Push(urls, Str(json["ref"]), "GitHub push");
    }

    private static WebhookEvent GitLab(string? eventName, ReadOnlySpan<byte> body)
    {
        if (eventName is not ("Push Hook" or "Tag Push Hook" or "System Hook")) return Ignored($"GitLab event '{eventName}'");
        var json = Json(body);
        var kind = Str(json["object_kind"]) ?? Str(json["event_name"]);
        if (kind is not ("push" or "tag_push")) return Ignored($"GitLab {kind ?? "event"}");
        var urls = Strings(json["project"] as JsonObject, "git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url")
            .Concat(Strings(json["repository"] as JsonObject, "git_http_url", "git_ssh_url", "homepage", "url"))
            .Distinct().ToList();
        return Push(urls, Str(json["ref"]), "GitLab push");
    }

    private static WebhookEvent Bitbucket(string? eventKey, ReadOnlySpan<byte> body)
    {
        if (eventKey == "diagnostics:ping") return Ping("Bitbucket ping");
        if (eventKey is not ("repo:push" or "repo:refs_changed")) return Ignored($"Bitbucket event '{eventKey}'");
        var json = Json(body);
        var repository = json["repository"] as JsonObject;
        var urls = new List<string>();
        // Cloud: links.html.href and full_name; Server: links.clone[].href.
        if (Str(repository?["links"]?["html"]?["href"]) is { } html) urls.Add(html);
        if (repository?["links"]?["clone"] is JsonArray clones)
            urls.AddRange(clones.Select(c => Str(c?["href"])).OfType<string>());
        if (Str(repository?["full_name"]) is { } fullName && urls.Count == 0) urls.Add("https://bitbucket.org/" + fullName);

        string? reference = null;
        if (json["push"]?["changes"] is JsonArray changes && changes.FirstOrDefault()?["new"] is JsonObject newRef)
            reference = (Str(newRef["type"]) == "tag" ? "refs/tags/" : "refs/heads/") + Str(newRef["name"]);
        else if (json["changes"] is JsonArray serverChanges)
            reference = Str(serverChanges.FirstOrDefault()?["refId"]);
        return Push(urls, reference, "Bitbucket push");
    }

    // {"repository": "https://...", "ref": "refs/heads/main"} or {"repositories": ["...", "..."]}
    private static WebhookEvent Generic(ReadOnlySpan<byte> body)
    {
        var json = Json(body);
        var urls = new List<string>();
        if (Str(json["repository"]) is { } one) urls.Add(one);
        if (json["repositories"] is JsonArray many) urls.AddRange(many.Select(Str).OfType<string>());
        if (urls.Count == 0)
            throw new WebhookException(400, "generic webhook body needs \"repository\": URL or \"repositories\": [URL, ...]");
        return Push(urls, Str(json["ref"]), "generic push");
    }

    private static WebhookEvent Push(List<string> urls, string? reference, string description)
    {
        if (urls.Count == 0) throw new WebhookException(400, $"{description} names no repository URL");
        return new WebhookEvent(WebhookEventKind.Push, urls, reference, description);
    }

    private static WebhookEvent Ping(string description) => new(WebhookEventKind.Ping, [], null, description);

    private static WebhookEvent Ignored(string description) => new(WebhookEventKind.Ignored, [], null, description + " ignored");

    private static void VerifyHmac(Dictionary<string, string> headers, string header, ReadOnlySpan<byte> body, string? secret, string provider)
    {
        if (string.IsNullOrEmpty(secret)) return;
        var signature = Header(headers, header);
        if (signature is null || !signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
            throw new WebhookException(401, $"{provider} webhook has no {header} sha256 signature; set the same secret on both sides");
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature["sha256=".Length..]);
        }
        catch (FormatException)
        {
            throw new WebhookException(401, $"{provider} webhook signature is not hex");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
            throw new WebhookException(401, $"{provider} webhook signature does not match; check the webhook secret");
    }

    private static void VerifyToken(Dictionary<string, string> headers, string header, string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return;
        var token = Header(headers, header) ?? string.Empty;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(secret)))
            throw new WebhookException(401, $"GitLab webhook {header} does not match; check the webhook secret");
    }

    private static JsonObject Json(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw new WebhookException(400, "webhook body is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new WebhookException(400, $"webhook body is not valid JSON: {ex.Message.Split(" Path:")[0]}");
        }
    }

    private static string? Header(Dictionary<string, string> headers, string name) => headers.TryGetValue(name, out var v) ? v : null;

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static List<string> Strings(JsonObject? obj, params string[] names) =>
        obj is null ? [] : names.Select(n => Str(obj[n])).OfType<string>().Where(s => s.Length > 0).Distinct().ToList();
}
