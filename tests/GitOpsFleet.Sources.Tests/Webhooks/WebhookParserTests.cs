using System.Security.Cryptography;
using System.Text;
using GitOpsFleet.Sources.Webhooks;

namespace GitOpsFleet.Sources.Tests.Webhooks;

public sealed class WebhookParserTests
{
    private const string Secret = "hook-secret";

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "webhooks", name));

    private static string Sign(byte[] body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) => headers.ToDictionary(h => h.Name, h => h.Value);

    [Fact]
    public void Parse_GitHubPushWithGoodSignature_NamesRepositoryAndBranch()
    {
        var body = Fixture("github-push.json");

        var e = WebhookParser.Parse("github", Headers(("x-github-event", "push"), ("X-Hub-Signature-256", Sign(body))), body, Secret);

        Assert.Equal(WebhookEventKind.Push, e.Kind);
        Assert.Equal("main", e.Branch);
        Assert.True(e.Concerns("https://github.com/acme/apps.git"));
        Assert.True(e.Concerns("git@github.com:acme/apps"));
        Assert.True(e.Concerns("ssh://git@github.com:22/ACME/apps.git"));
        Assert.False(e.Concerns("https://github.com/acme/apps-other.git"));
    }

    [Fact]
    public void Parse_GitHubBadSignature_Is401BeforeParsing()
    {
        var body = Encoding.UTF8.GetBytes("{ not json");

        var error = Assert.Throws<WebhookException>(() =>
            WebhookParser.Parse("github", Headers(("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(body, "wrong"))), body, Secret));

        Assert.Equal(401, error.HttpStatus);
        Assert.Contains("signature does not match", error.Message);
    }

    [Fact]
    public void Parse_GitHubMissingSignature_Is401()
    {
        var body = Fixture("github-push.json");

        var error = Assert.Throws<WebhookException>(() => WebhookParser.Parse("github", Headers(("X-GitHub-Event", "push")), body, Secret));

        Assert.Equal(401, error.HttpStatus);
    }

    [Fact]
    public void Parse_GitHubPing_IsPing()
    {
        var body = Encoding.UTF8.GetBytes("{\"zen\": \"Keep it logically awesome.\"}");

        var e = WebhookParser.Parse("github", Headers(("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", Sign(body))), body, Secret);

        Assert.Equal(WebhookEventKind.Ping, e.Kind);
    }

    [Fact]
    public void Parse_GitHubIssueEvent_IsIgnored()
    {
        var body = Encoding.UTF8.GetBytes("{}");

        var e = WebhookParser.Parse("github", Headers(("X-GitHub-Event", "issues")), body, secret: null);

        Assert.Equal(WebhookEventKind.Ignored, e.Kind);
    }

    [Fact]
    public void Parse_MalformedJson_Is400()
    {
        var body = Encoding.UTF8.GetBytes("{\"ref\": ");

        var error = Assert.Throws<WebhookException>(() => WebhookParser.Parse("github", Headers(("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(body))), body, Secret));

        Assert.Equal(400, error.HttpStatus);
        Assert.StartsWith("webhook body is not valid JSON", error.Message);
    }

    [Fact]
    public void Parse_OversizedBody_Is413()
    {
        var body = new byte[WebhookParser.MaxBodyBytes + 1];

        var error = Assert.Throws<WebhookException>(() => WebhookParser.Parse("generic", Headers(), body, secret: null));

        Assert.Equal(413, error.HttpStatus);
    }

    [Fact]
    public void Parse_GitLabPushWithToken_NamesRepository()
    {
        var body = Fixture("gitlab-push.json");

        var e = WebhookParser.Parse("gitlab", Headers(("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", Secret)), body, Secret);

        Assert.Equal("release", e.Branch);
        Assert.True(e.Concerns("https://gitlab.example.com/team/apps"));
    }

    [Fact]
    public void Parse_GitLabWrongToken_Is401()
    {
        var body = Fixture("gitlab-push.json");

        var error = Assert.Throws<WebhookException>(() => WebhookParser.Parse("gitlab", Headers(("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "nope")), body, Secret));

        Assert.Equal(401, error.HttpStatus);
    }

    [Fact]
    public void Parse_BitbucketCloudPush_NamesRepositoryAndBranch()
    {
        var body = Fixture("bitbucket-cloud-push.json");

        var e = WebhookParser.Parse("bitbucket", Headers(("X-Event-Key", "repo:push"), ("X-Hub-Signature", Sign(body))), body, Secret);

        Assert.Equal("main", e.Branch);
        Assert.True(e.Concerns("git@bitbucket.org:acme/apps.git"));
    }

    [Fact]
    public void Parse_Generic_TakesRepositoriesList()
    {
        var body = Encoding.UTF8.GetBytes("{\"repositories\": [\"https://git.example/a.git\", \"https://git.example/b.git\"], \"ref\": \"refs/tags/v1\"}");

        var e = WebhookParser.Parse("generic", Headers(), body, secret: null);

        Assert.True(e.Concerns("https://git.example/b"));
        Assert.Null(e.Branch);
        Assert.Equal("refs/tags/v1", e.Ref);
    }

    [Fact]
    public void Parse_UnknownProvider_Is404()
    {
        var error = Assert.Throws<WebhookException>(() => WebhookParser.Parse("gitea", Headers(), "{}"u8, secret: null));

        Assert.Equal(404, error.HttpStatus);
    }

    [Theory]
    [InlineData("https://user:pw@Git.Example.com/Team/Apps.git/", "git.example.com/team/apps")]
    [InlineData("git@git.example.com:team/apps.git", "git.example.com/team/apps")]
    [InlineData("ssh://git@git.example.com:2222/team/apps.git", "git.example.com/team/apps")]
    [InlineData("https://git.example.com:443/team/apps", "git.example.com/team/apps")]
    [InlineData("http://127.0.0.1:8080/team/apps", "127.0.0.1:8080/team/apps")]
    public void Normalize_UrlForms_Agree(string url, string expected)
    {
        Assert.Equal(expected, RepositoryUrl.Normalize(url));
    }
}
