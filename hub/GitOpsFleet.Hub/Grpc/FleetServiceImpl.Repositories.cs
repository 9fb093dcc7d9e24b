using System.Text.RegularExpressions;
using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

internal sealed partial class FleetServiceImpl
{
    public override async Task<Repository> AddRepository(AddRepositoryRequest request, ServerCallContext context)
    {
        var repository = request.Repository ?? throw HubException.Invalid("repository", "is required");
        Require(repository.Url, "repository.url");
        var name = string.IsNullOrEmpty(repository.Name) ? NameFromUrl(repository.Url) : repository.Name;
        if (!RepositoryName().IsMatch(name))
        {
            throw HubException.Invalid("repository.name", $"'{name}' is not a valid name (letters, digits, '.', '_' and '-', at most 100)");
        }
        if (repository.PollIntervalSeconds < 0)
        {
            throw HubException.Invalid("repository.poll_interval_seconds", "is negative; give seconds, or 0 for the default (60)");
        }
        var stored = await grains.GetGrain<IRepositoryGrain>(name).AddAsync(
            new RepositoryModel(name, repository.Url, repository.PollIntervalSeconds, repository.Username, repository.Password, "", 0)
            {
                WebhookSecret = repository.WebhookSecret,
            },
            request.Upsert);
        return stored.ToProto();
    }

    public override async Task<ListRepositoriesResponse> ListRepositories(ListRepositoriesRequest request, ServerCallContext context)
    {
        var reply = new ListRepositoriesResponse();
        var view = await ProjectView.ForAsync(grains, context);
        foreach (var name in (await grains.Index(IndexKeys.Repositories).ListAsync()).Keys)
        {
            var model = await grains.GetGrain<IRepositoryGrain>(name).GetAsync();
            if (model is not null && (view?.AllowsRepository(model.Name, model.Url) ?? true))
            {
                reply.Repositories.Add(model.ToProto());
            }
        }
        return reply;
    }

    public override async Task<Empty> RemoveRepository(RemoveRepositoryRequest request, ServerCallContext context)
    {
        Require(request.Name, "name");
        if (!await grains.GetGrain<IRepositoryGrain>(request.Name).RemoveAsync())
        {
            throw HubException.NotFound($"repository {request.Name}");
        }
        return EmptyReply;
    }

    /// <summary>An application may name its repository by URL: use the one added with that URL, or add it.</summary>
    private async Task<string> RepositoryNameForAsync(string repo)
    {
        if (!LooksLikeUrl(repo))
        {
            return repo;
        }
        var index = await grains.Index(IndexKeys.Repositories).ListAsync();
        var existing = index.FirstOrDefault(r => r.Value.GetValueOrDefault("url") == repo);
        if (existing.Key is not null)
        {
            return existing.Key;
        }
        var baseName = NameFromUrl(repo);
        var name = baseName;
        for (var i = 2; index.ContainsKey(name); i++)
        {
            name = $"{baseName}-{i}";
        }
        await grains.GetGrain<IRepositoryGrain>(name).AddAsync(new RepositoryModel(name, repo, 0, "", "", "", 0), upsert: false);
        return name;
    }

    private static bool LooksLikeUrl(string repo) =>
        repo.Contains("://", StringComparison.Ordinal) || repo.StartsWith('/') || repo.Contains('@') || repo.EndsWith(".git", StringComparison.Ordinal);

    internal static string NameFromUrl(string url)
    {
        var last = url.TrimEnd('/').Split('/', ':').LastOrDefault(s => s.Length > 0) ?? "repo";
        if (last.EndsWith(".git", StringComparison.Ordinal))
        {
            last = last[..^4];
        }
        var cleaned = Regex.Replace(last.ToLowerInvariant(), "[^a-z0-9._-]", "-").Trim('-', '.', '_');
        return cleaned.Length == 0 ? "repo" : cleaned[..Math.Min(cleaned.Length, 100)];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex RepositoryName();
}
