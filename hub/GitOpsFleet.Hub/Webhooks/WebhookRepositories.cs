using GitOpsFleet.Hub.Grains;

namespace GitOpsFleet.Hub.Webhooks;

/// <summary>A repository as the webhook endpoint sees it: name, URL and webhook secret (never answered to anyone).</summary>
internal sealed record WebhookRepository(string Name, string Url, string Secret)
{
    public bool HasSecret => Secret.Length > 0;
}

internal static class WebhookRepositories
{
    public static async Task<IReadOnlyList<WebhookRepository>> ListAsync(IGrainFactory grains)
    {
        var names = (await grains.Index(IndexKeys.Repositories).ListAsync()).Keys;
        var models = await Task.WhenAll(names.Select(n => grains.GetGrain<IRepositoryGrain>(n).GetAsync()));
        return models.OfType<RepositoryModel>().Select(m => new WebhookRepository(m.Name, m.Url, m.WebhookSecret ?? "")).ToList();
    }
}
