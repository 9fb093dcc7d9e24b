using GitOpsFleet.Sources;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Grains;

internal sealed partial class RepositoryGrain(
    [PersistentState("repository")] IPersistentState<RepositoryState> state,
    IGitSource git,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain
{
    /// <summary>Poll interval when the repository names none.</summary>
    internal const int DefaultPollIntervalSeconds = 60;

    private IGrainTimer? _pollTimer;
    private int _timerPeriodSeconds;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmPollTimer();
        return Task.CompletedTask;
    }

    public async Task<RepositoryModel> AddAsync(RepositoryModel repository, bool upsert)
    {
        if (state.State.Exists && !upsert)
        {
            throw new HubException(HubErrorKind.AlreadyExists, $"repository {Name} already exists (use upsert to replace it)");
        }
        var previous = state.State.Repository;
        state.State.Exists = true;
        state.State.Repository = repository with
        {
            Name = Name,
            LastError = previous?.LastError ?? "",
            LastFetchUnixMs = previous?.LastFetchUnixMs ?? 0,
        };
        await state.WriteStateAsync();
        await GrainFactory.Index(IndexKeys.Repositories).SetAsync(Name, new Dictionary<string, string> { ["url"] = repository.Url });
        ArmPollTimer();
        return state.State.Repository;
    }

    public Task<RepositoryModel?> GetAsync() => Task.FromResult(state.State.Exists ? state.State.Repository : null);

    public async Task<bool> RemoveAsync()
    {
        if (!state.State.Exists)
        {
            return false;
        }
        _pollTimer?.Dispose();
        _pollTimer = null;
        await state.ClearStateAsync();
        state.State = new RepositoryState();
        await GrainFactory.Index(IndexKeys.Repositories).RemoveAsync(Name);
        return true;
    }

    public async Task<ResolveResult> ResolveAsync(string revision, bool fetch, string subscriber)
    {
        if (!state.State.Exists || state.State.Repository is null)
        {
            return new ResolveResult(null, $"repository {Name} is not known to the hub; add it with `fleet repo add`");
        }
        var changed = false;
        if (!string.IsNullOrEmpty(subscriber) && state.State.Subscribers.GetValueOrDefault(subscriber) != revision)
        {
            state.State.Subscribers[subscriber] = revision;
            changed = true;
        }
        if (!fetch && state.State.Heads.TryGetValue(revision, out var known))
        {
            if (changed)
            {
                await state.WriteStateAsync();
            }
            return new ResolveResult(known, null);
        }
        var result = await ResolveCoreAsync(revision, fetch, CancellationToken.None);
        await state.WriteStateAsync();
        return result;
    }

    public async Task UnsubscribeAsync(string subscriber)
    {
        if (state.State.Subscribers.Remove(subscriber))
        {
            await state.WriteStateAsync();
        }
    }

    public Task EnsureActiveAsync() => Task.CompletedTask;

    private async Task<ResolveResult> ResolveCoreAsync(string revision, bool fetch, CancellationToken cancellationToken)
    {
        var repository = state.State.Repository!;
        var spec = new RepositorySpec(Name, repository.Url, NullIfEmpty(repository.Username), NullIfEmpty(repository.Password));
        try
        {
            var commit = await git.ResolveRevisionAsync(spec, revision, fetch, cancellationToken);
            state.State.Heads[revision] = commit;
            state.State.Repository = repository with
            {
                LastError = "",
                LastFetchUnixMs = fetch ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : repository.LastFetchUnixMs,
            };
            return new ResolveResult(commit, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = ex is SourceException ? ex.Message : $"repository {Name}: {ex.Message}";
            if (repository.LastError != message)
            {
                LogFetchFailed(Name, message);
            }
            state.State.Repository = repository with { LastError = message };
            return new ResolveResult(null, message);
        }
    }

    private void ArmPollTimer()
    {
        if (!state.State.Exists || state.State.Repository is null)
        {
            return;
        }
        var seconds = state.State.Repository.PollIntervalSeconds > 0 ? state.State.Repository.PollIntervalSeconds : DefaultPollIntervalSeconds;
        if (_pollTimer is not null && _timerPeriodSeconds == seconds)
        {
            return;
        }
        _pollTimer?.Dispose();
        _timerPeriodSeconds = seconds;
        // KeepAlive: a polled repository must stay active even when nobody calls it.
        _pollTimer = this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds))
        {
            KeepAlive = true,
        });
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Exists || state.State.Subscribers.Count == 0)
        {
            return;
        }
        var notifications = new List<(string Revision, string Commit)>();
        foreach (var revision in state.State.Subscribers.Values.Distinct(StringComparer.Ordinal).ToList())
        {
            var before = state.State.Heads.GetValueOrDefault(revision);
            var result = await ResolveCoreAsync(revision, fetch: true, cancellationToken);
            if (result.Commit is not null && result.Commit != before)
            {
                LogNewCommit(Name, revision, result.Commit);
                notifications.Add((revision, result.Commit));
            }
        }
        await state.WriteStateAsync();
        foreach (var (revision, commit) in notifications)
        {
            foreach (var app in state.State.Subscribers.Where(s => s.Value == revision).Select(s => s.Key))
            {
                await GrainFactory.GetGrain<IApplicationGrain>(app).OnCommitAsync(revision, commit);
            }
        }
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repository {Repository}: {Error}. Check the URL and credentials with `fleet repo add --upsert`")]
    private partial void LogFetchFailed(string repository, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repository {Repository}: {Revision} moved to {Commit}")]
    private partial void LogNewCommit(string repository, string revision, string commit);
}
