using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Webhooks;

/// <summary>POST /api/webhooks/{provider} on the hub's HTTP port, against the real Git cache and renderer.</summary>
public sealed class WebhookEndpointTests
{
    private const string Secret = "s3cret-for-tests";

    private const string ConfigMapYaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          color: blue
        """;

    private static string Sign(byte[] body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string GitHubPush(string url, string branch = "main") =>
        new JsonObject { ["ref"] = $"refs/heads/{branch}", ["repository"] = new JsonObject { ["clone_url"] = url } }.ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(TestHub hub, string provider, byte[] body, params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient { BaseAddress = hub.Host.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{provider}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostGitHubAsync(TestHub hub, string eventName, string json, string? signature = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return PostAsync(hub, "github", body, ("X-GitHub-Event", eventName), ("X-Hub-Signature-256", signature ?? Sign(body)));
    }

    private static async Task AddRepositoryAsync(TestHub hub, string name, string url, string secret = Secret) =>
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            // One hour: only the webhook can explain a refresh within the test.
            Repository = new Repository { Name = name, Url = url, PollIntervalSeconds = 3600, WebhookSecret = secret },
        });

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject)!;

    [Fact]
    public async Task Post_BadSignature_Answers401AndRefreshesNothing()
    {
        using var repository = new LocalGitRepository();
        repository.Commit("first", ("app/configmap.yaml", ConfigMapYaml));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "signed", repository.Path);

        var body = GitHubPush(repository.Path);
        using var response = await PostGitHubAsync(hub, "push", body, Sign(Encoding.UTF8.GetBytes(body), "another-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("matches no repository's webhook secret", (string)(await JsonAsync(response))["error"]!);
    }

    [Fact]
    public async Task Post_UnsignedWhileEveryRepositoryHasSecret_Answers401()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "signed", "/nowhere/repo");

        using var response = await PostAsync(hub, "github", Encoding.UTF8.GetBytes(GitHubPush("/nowhere/repo")), ("X-GitHub-Event", "push"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_OversizedBody_Answers413BeforeReadingIt()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        var body = new byte[Sources.Webhooks.WebhookParser.MaxBodyBytes + 1];
        Array.Fill(body, (byte)' ');

        using var response = await PostAsync(hub, "generic", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_MalformedJsonWithGoodSignature_Answers400()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "signed", "/nowhere/repo");

        using var response = await PostGitHubAsync(hub, "push", "{\"ref\": \"refs/heads/main\", ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (string)(await JsonAsync(response))["error"]!);
    }

    [Fact]
    public async Task Post_Ping_Answers200()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "signed", "/nowhere/repo");

        using var ping = await PostGitHubAsync(hub, "ping", "{\"zen\": \"Keep it logically awesome.\"}");
        using var issue = await PostGitHubAsync(hub, "issues", "{\"action\": \"opened\"}");

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Empty((JsonArray)(await JsonAsync(ping))["refreshed"]!);
        Assert.Equal(HttpStatusCode.OK, issue.StatusCode);
        Assert.Contains("ignored", (string)(await JsonAsync(issue))["event"]!);
    }

    [Fact]
    public async Task Post_UnknownProvider_Answers404()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);

        using var response = await PostAsync(hub, "gitea", Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_PushToUnknownRepository_Answers202AndRefreshesNothing()
    {
        using var repository = new LocalGitRepository();
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "watched", repository.Path);

        using var response = await PostGitHubAsync(hub, "push", GitHubPush("https://github.com/someone/else.git"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty((JsonArray)(await JsonAsync(response))["refreshed"]!);
    }

    [Fact]
    public async Task Post_PushToWatchedBranch_ApplicationMovesToNewCommitWithinASecond()
    {
        using var repository = new LocalGitRepository();
        var first = repository.Commit("first", ("app/configmap.yaml", ConfigMapYaml));
        using var other = new LocalGitRepository();
        other.Commit("first", ("app/configmap.yaml", ConfigMapYaml));
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "watched", repository.Path);
        await AddRepositoryAsync(hub, "bystander", other.Path, secret: "a-different-secret");
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = "hooked",
                Spec = new ApplicationSpec { Source = new ApplicationSource { Repo = "watched", Path = "app", Revision = "main" } },
            },
        });
        var created = await hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "hooked" });
        Assert.Equal(first, created.Status.Revision);

        var second = repository.Commit("second", ("app/configmap.yaml", ConfigMapYaml.Replace("blue", "green")));
        var clock = Stopwatch.StartNew();
        using var response = await PostGitHubAsync(hub, "push", GitHubPush("file://" + repository.Path));
        var answered = clock.Elapsed;
        var moved = await Eventually.UntilAsync(
            () => hub.Fleet.GetApplicationAsync(new GetApplicationRequest { Name = "hooked" }).ResponseAsync,
            app => app.Status.Revision == second, "the application to move to the pushed commit", TimeSpan.FromSeconds(10));
        var refreshedIn = clock.Elapsed;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["watched"], ((JsonArray)(await JsonAsync(response))["refreshed"]!).Select(n => (string)n!));
        Assert.True(answered < TimeSpan.FromMilliseconds(500), $"the webhook answered in {answered.TotalMilliseconds:F0} ms");
        Assert.True(refreshedIn < TimeSpan.FromSeconds(1), $"the application moved after {refreshedIn.TotalMilliseconds:F0} ms");
        Assert.Equal(second, moved.Status.Revision);
    }

    [Fact]
    public async Task Post_SameUrlTwoSecrets_RefreshesOnlyTheRepositoryWhoseSecretSigned()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "team-a", "https://git.example/shared/apps.git", secret: "secret-a");
        await AddRepositoryAsync(hub, "team-b", "https://git.example/shared/apps", secret: "secret-b");
        var body = Encoding.UTF8.GetBytes(GitHubPush("https://git.example/shared/apps.git"));

        using var response = await PostAsync(hub, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(body, "secret-b")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["team-b"], ((JsonArray)(await JsonAsync(response))["refreshed"]!).Select(n => (string)n!));
    }

    [Fact]
    public async Task Post_GitLabPushWithToken_RefreshesMatchingRepository()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "lab", "https://gitlab.example/group/apps.git");
        var json = new JsonObject
        {
            ["object_kind"] = "push",
            ["ref"] = "refs/heads/main",
            ["project"] = new JsonObject { ["git_http_url"] = "https://gitlab.example/group/apps.git" },
        }.ToJsonString();

        using var good = await PostAsync(hub, "gitlab", Encoding.UTF8.GetBytes(json), ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", Secret));
        using var bad = await PostAsync(hub, "gitlab", Encoding.UTF8.GetBytes(json), ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "wrong"));

        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        Assert.Equal(["lab"], ((JsonArray)(await JsonAsync(good))["refreshed"]!).Select(n => (string)n!));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task ListRepositories_WebhookSecret_IsNeverReturned()
    {
        await using var hub = await TestHub.StartAsync(realSources: true);
        await AddRepositoryAsync(hub, "signed", "/nowhere/repo");

        var listed = Assert.Single((await hub.Fleet.ListRepositoriesAsync(new ListRepositoriesRequest())).Repositories);

        Assert.Equal("", listed.WebhookSecret);
    }
}
