namespace GitOpsFleet.Hub.Webhooks;

/// <summary>The JSON answer to a webhook delivery: what it was, which repositories fetch now, or why it was refused.</summary>
internal sealed record WebhookReply(string Event, IReadOnlyList<string> Refreshed, string? Error = null);
