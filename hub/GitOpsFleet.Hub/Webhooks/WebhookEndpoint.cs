using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Sources.Webhooks;

namespace GitOpsFleet.Hub.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/{github|gitlab|bitbucket|generic}</c>: a push makes the repositories it names fetch now.
/// The body is capped before it is read, the signature is checked (against each repository's webhook secret) before
/// anything is parsed, only repositories whose URL the push names and whose secret signed it are refreshed, and the
/// answer does not wait for the fetch.
/// </summary>
internal static partial class WebhookEndpoint
{
    public static IEndpointRouteBuilder MapFleetWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/webhooks/{provider}", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(string provider, HttpRequest request, IGrainFactory grains, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WebhookEndpoint).FullName!);
        provider = provider.ToLowerInvariant();
        if (!WebhookParser.Providers.Contains(provider))
        {
            return Refuse(StatusCodes.Status404NotFound, $"webhook provider '{provider}' is unknown; use github, gitlab, bitbucket or generic");
        }
        var body = await WebhookBody.ReadCappedAsync(request, WebhookParser.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            LogRefused(logger, provider, StatusCodes.Status413PayloadTooLarge, "body too large");
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"webhook body is larger than the limit of {WebhookParser.MaxBodyBytes:N0} bytes");
        }
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var repositories = await WebhookRepositories.ListAsync(grains);

        WebhookVerification verification;
        try
        {
            verification = WebhookVerification.Verify(provider, headers, body, repositories);
        }
        catch (WebhookException ex)
        {
            LogRefused(logger, provider, ex.HttpStatus, ex.Message);
            return Refuse(ex.HttpStatus, ex.Message);
        }

        var delivery = verification.Event;
        if (delivery.Kind != WebhookEventKind.Push)
        {
            return Results.Json(new WebhookReply(delivery.Description, []), statusCode: StatusCodes.Status200OK);
        }
        var refreshed = verification.Eligible.Where(r => delivery.Concerns(r.Url)).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var name in refreshed)
        {
            // One-way: the fetch and the re-renders run after this answer.
            await grains.GetGrain<IRepositoryGrain>(name).RefreshAsync();
        }
        LogPush(logger, delivery.Description, delivery.Ref ?? "", refreshed.Count);
        return Results.Json(new WebhookReply(delivery.Description, refreshed), statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Refuse(int status, string error) => Results.Json(new WebhookReply("refused", [], error), statusCode: status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {Description} {Ref}: {Count} repositories refresh now")]
    private static partial void LogPush(ILogger logger, string description, string @ref, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook from {Provider} refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string provider, int status, string reason);
}
