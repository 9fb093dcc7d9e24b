using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Rest;

/// <summary>
/// Untyped JSON access to the API server through a <see cref="KubeConnection"/> (base address, HttpClient,
/// credentials). Why: KubernetesClient's typed client has no generic apply for the core group and
/// GenericClient sends no fieldManager, which a real API server refuses for apply patches; and the lean
/// (Native AOT) agent needs no KubernetesClient at all. The IKubernetes constructor is in
/// KubeRestClient.KubernetesClient.cs (regular build only).
/// </summary>
public sealed partial class KubeRestClient
{
    private readonly KubeConnection _connection;

    public KubeRestClient(KubeConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>The connection requests go through.</summary>
    public KubeConnection Connection => _connection;

    /// <summary>GETs a path; null when the server answers 404.</summary>
    public async Task<JsonObject?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        return await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Server-side apply of one object at its resource path.</summary>
    public async Task<JsonObject> ApplyAsync(string path, JsonObject body, string fieldManager, bool force, bool dryRun, CancellationToken cancellationToken)
        => (await ApplyWithOutcomeAsync(path, body, fieldManager, force, dryRun, cancellationToken).ConfigureAwait(false)).Object;

    /// <summary>Server-side apply of one object; also says whether the apply created it (the server answered 201).</summary>
    public async Task<AppliedObject> ApplyWithOutcomeAsync(string path, JsonObject body, string fieldManager, bool force, bool dryRun, CancellationToken cancellationToken)
    {
        var query = "?fieldManager=" + Uri.EscapeDataString(fieldManager) + (force ? "&force=true" : "&force=false") + (dryRun ? "&dryRun=All" : "");
        using var request = new HttpRequestMessage(HttpMethod.Patch, Url(path + query))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var applied = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        return new AppliedObject(applied, response.StatusCode == HttpStatusCode.Created);
    }

    /// <summary>POSTs an object to a collection path (create).</summary>
    public async Task<JsonObject> CreateAsync(string collectionPath, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(collectionPath))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUTs an object (replace).</summary>
    public async Task<JsonObject> ReplaceAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url(path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETEs with background propagation; false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Url(path))
        {
            Content = new StringContent("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}", Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Streams watch events (type, object) of a collection path until the server closes it.</summary>
    public async IAsyncEnumerable<(string Type, JsonObject Object)> WatchAsync(string collectionPath, string? labelSelector, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = "?watch=true&allowWatchBookmarks=true"
            + (labelSelector is null ? "" : "&labelSelector=" + Uri.EscapeDataString(labelSelector))
            + (string.IsNullOrEmpty(resourceVersion) ? "" : "&resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(collectionPath + query));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        }
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (JsonNode.Parse(line) is JsonObject evt && evt["type"]?.GetValue<string>() is { } type && evt["object"] is JsonObject obj)
            {
                yield return (type, obj);
            }
        }
    }

    /// <summary>The server's version string (gitVersion of /version).</summary>
    public async Task<string> GetServerVersionAsync(CancellationToken cancellationToken)
    {
        var version = await GetAsync("/version", cancellationToken).ConfigureAwait(false);
        return version?["gitVersion"]?.GetValue<string>() ?? "unknown";
    }

    private Uri Url(string pathAndQuery)
    {
        var baseUrl = _connection.BaseUri.AbsoluteUri.TrimEnd('/');
        return new Uri(baseUrl + pathAndQuery);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        await _connection.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        return await _connection.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonObject? body = null;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a proxy error page, say): keep the raw text for the message below.
        }
        if (response.IsSuccessStatusCode && body is not null)
        {
            return body;
        }
        var reason = body?["reason"]?.GetValue<string>() ?? response.StatusCode.ToString();
        var message = body?["message"]?.GetValue<string>() ?? (string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "" : text);
        throw new KubeApiException(response.StatusCode, reason, message);
    }
}
