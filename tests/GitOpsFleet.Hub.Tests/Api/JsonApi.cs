using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>Helpers for calling a test hub's JSON API over its HTTP port.</summary>
internal static class JsonApi
{
    private const string RepoUrl = "https://git.example/json.git";
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}""";

    public static HttpClient Client(TestHub hub, string? token)
    {
        var http = new HttpClient { BaseAddress = hub.Host.HttpAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The message of an error answer: google.rpc.Status JSON {"code": gRPC code, "message": "...", "details": []}.</summary>
    public static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return error.RootElement.GetProperty("message").GetString() ?? "";
    }

    /// <summary>Creates an application from the fake "apps" repository (project default unless given).</summary>
    public static async Task CreateAppAsync(TestHub hub, string name, string project = "")
    {
        hub.Git.SetHead(RepoUrl, "main", "c1");
        hub.Renderer.SetManifests("c1", ConfigMap);
        await hub.Fleet.AddRepositoryAsync(new AddRepositoryRequest { Repository = new Repository { Name = "apps", Url = RepoUrl }, Upsert = true });
        await hub.Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application
            {
                Name = name,
                Spec = new ApplicationSpec
                {
                    Project = project,
                    Source = new ApplicationSource { Repo = "apps", Path = "app", Revision = "main" },
                    Destination = new ApplicationDestination { Namespace = "web" },
                },
            },
        });
    }
}
