using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitOpsFleet.Hub.Api;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using static GitOpsFleet.Hub.Tests.Api.JsonApi;

namespace GitOpsFleet.Hub.Tests.Api;

/// <summary>
/// Walks every FleetService rpc through its HTTP path on the HTTP port: each is served (no route-less 404/405),
/// each refuses a call without a token (the interceptor runs for transcoded calls), none answers 500.
/// </summary>
public sealed partial class FleetJsonRoutesTests
{
    [Fact]
    public async Task EveryRpc_OverHttp_ServedAndAuthorizedByTheInterceptor()
    {
        await using var hub = await TestHub.StartAsync();
        await CreateAppAsync(hub, "alpha");
        using var anonymous = Client(hub, token: null);
        using var admin = Client(hub, hub.AdminToken);

        foreach (var method in FleetService.Descriptor.Methods)
        {
            var (verb, path, body) = FleetOpenApi.RouteOf(method) ?? throw new InvalidOperationException($"{method.Name} has no HTTP path");
            var url = PathParameter().Replace(path, "alpha");

            using var refused = await SendAsync(anonymous, verb, url, body);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{method.Name} ({verb} {url}) without a token answered {(int)refused.StatusCode}");

            using var allowed = await SendAsync(admin, verb, url, body);
            var status = (int)allowed.StatusCode;
            var media = allowed.Content.Headers.ContentType?.MediaType;
            Assert.True(status < 500 && status != 405, $"admin {method.Name} ({verb} {url}) answered {status}");
            Assert.True(media is "application/json" or "text/event-stream", $"admin {method.Name} ({verb} {url}) answered {status} {media}");
            if (status >= 400)
            {
                // A route that does not exist answers an empty 404; the service's own errors are JSON naming a gRPC code.
                using var error = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync());
                Assert.True(error.RootElement.TryGetProperty("code", out var code) && code.GetInt32() != 12,
                    $"admin {method.Name} ({verb} {url}) answered {status} without a service error");
            }
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string verb, string url, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(verb.ToUpperInvariant()), url);
        if (body is not null)
        {
            request.Content = Json("{}");
        }
        // Headers only: a watch that is let in streams until the response is disposed.
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [GeneratedRegex(@"\{[a-z_0-9.]+\}")]
    private static partial Regex PathParameter();
}
