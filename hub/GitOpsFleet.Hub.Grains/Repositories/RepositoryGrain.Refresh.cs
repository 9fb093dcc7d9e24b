using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

// Webhook deliveries: fetch now instead of at the next poll.
internal sealed partial class RepositoryGrain
{
    public Task RefreshAsync()
    {
        LogRefreshRequested(Name);
        // The same path as a poll: fetch every followed revision and tell the applications whose commit moved.
        return PollAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Repository {Repository}: refresh requested by a webhook")]
    private partial void LogRefreshRequested(string repository);
}
