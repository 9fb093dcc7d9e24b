using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>
/// Maps Kubernetes REST paths and verbs of one cluster onto <see cref="ResourceService"/>; the
/// only place that knows HTTP. Every failure leaves as a Status body with the real code and reason.
/// </summary>
internal sealed partial class ApiRouter(ResourceService service, TimeSpan bookmarkInterval, string cluster, ILogger logger)
{
    public async Task HandleAsync(HttpContext context, string path, CancellationToken stopping)
    {
        try
        {
            await RouteAsync(context, path, stopping);
        }
        catch (ApiException e)
        {
            if (!context.Response.HasStarted)
            {
                await WriteAsync(context, e.Code, e.ToStatus());
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // Client went away or the host stops.
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException)
        {
            // A shape the simulator did not expect is the request's fault far more often than ours: report it as 400, never 500.
            if (!context.Response.HasStarted)
            {
                await WriteAsync(context, 400, ApiException.Status(400, "BadRequest", e.Message, null));
            }
        }
        catch (Exception e)
        {
            // A simulator bug: say so in a Status body rather than an empty 500.
            KubeSimLog.RequestFailed(logger, e, cluster, context.Request.Method, path);
            if (!context.Response.HasStarted)
            {
                await WriteAsync(context, 500, ApiException.Status(500, "InternalError", $"kubesim internal error: {e}", null));
            }
        }
    }

    private async Task RouteAsync(HttpContext context, string path, CancellationToken stopping)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = context.Request.Method;
        var registry = service.Registry;
        switch (segments)
        {
            case ["version"]:
                await WriteAsync(context, 200, Discovery.Version());
                return;
            case ["healthz" or "readyz" or "livez"]:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", stopping);
                return;
            case ["api"]:
                await WriteAsync(context, 200, Discovery.CoreVersions($"{context.Request.Host}"));
                return;
            case ["apis"]:
                await WriteAsync(context, 200, Discovery.Groups(registry));
                return;
            case ["apis", var g]:
                await WriteAsync(context, 200, Discovery.Group(registry, g) ?? throw ApiException.NotFoundPath());
                return;
            case ["api", var v] when method == "GET":
                await WriteAsync(context, 200, Discovery.Resources(registry, "", v) ?? throw ApiException.NotFoundPath());
                return;
            case ["apis", var g, var v] when method == "GET":
                await WriteAsync(context, 200, Discovery.Resources(registry, g, v) ?? throw ApiException.NotFoundPath());
                return;
            case ["openapi", "v3"]:
                await WriteAsync(context, 200, OpenApi.Index(registry));
                return;
            case ["openapi", "v3", "api", var v]:
                await WriteAsync(context, 200, OpenApi.GroupVersion(registry, "", v) ?? throw ApiException.NotFoundPath());
                return;
            case ["openapi", "v3", "apis", var g, var v]:
                await WriteAsync(context, 200, OpenApi.GroupVersion(registry, g, v) ?? throw ApiException.NotFoundPath());
                return;
            case ["api", var v, .. var rest]:
                await ResourceAsync(context, "", v, rest, stopping);
                return;
            case ["apis", var g, var v, .. var rest]:
                await ResourceAsync(context, g, v, rest, stopping);
                return;
            default:
                throw ApiException.NotFoundPath();
        }
    }

    private async Task ResourceAsync(HttpContext context, string group, string version, string[] rest, CancellationToken stopping)
    {
        string? ns = null;
        string plural;
        string? name = null;
        string? subresource = null;
        if (rest is ["namespaces", var nsName, "status" or "finalize"] && group.Length == 0)
        {
            plural = "namespaces";
            name = nsName;
            subresource = rest[2];
        }
        else if (rest is ["namespaces", var n, var p, .. var tail] && tail.Length <= 2)
        {
            ns = n;
            plural = p;
            name = tail.Length > 0 ? tail[0] : null;
            subresource = tail.Length > 1 ? tail[1] : null;
        }
        else if (rest.Length is >= 1 and <= 3)
        {
            plural = rest[0];
            name = rest.Length > 1 ? rest[1] : null;
            subresource = rest.Length > 2 ? rest[2] : null;
        }
        else
        {
            throw ApiException.NotFoundPath();
        }
        var type = service.Registry.Find(group, version, plural) ?? throw ApiException.NotFoundPath();
        if (ns is not null && !type.Namespaced)
        {
            throw ApiException.NotFoundPath();
        }
        if (subresource == "log" && type.Kind == "Pod" && !type.Custom && context.Request.Method == "GET")
        {
            // No container runs: the log says so, which keeps "kubectl logs" usable in demos.
            var pod = service.Get(type, ns, name!);
            var container = context.Request.Query["container"].FirstOrDefault() ?? Json.Str(pod["spec"]?["containers"]?[0]?["name"]) ?? "";
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"kubesim: container {container} of pod {ns}/{name} is simulated and writes no output\n", stopping);
            return;
        }
        if (subresource is not null && !(subresource == "status" && type.HasStatus) && !(subresource == "scale" && type.HasScale) && !(subresource == "finalize" && type.Kind == "Namespace"))
        {
            throw ApiException.NotFoundPath();
        }
        if (subresource == "finalize")
        {
            subresource = "status";
        }
        var query = context.Request.Query;
        var method = context.Request.Method;
        var dryRun = query["dryRun"].Any(v => v == "All");
        var manager = query["fieldManager"].FirstOrDefault() ?? "";
        var force = query["force"].FirstOrDefault() is "true" or "1";
        var table = TableConverter.Wanted(context.Request.Headers.Accept.ToString());
        if (subresource == "scale")
        {
            await ScaleAsync(context, type, ns, name!, new WriteOptions(ManagerOf(context, manager), dryRun, false), stopping);
            return;
        }
        switch (method)
        {
            case "GET" when name is null && query["watch"].FirstOrDefault() is "true" or "1":
                await WatchAsync(context, type, ns, table, stopping);
                return;
            case "GET" when name is null:
                var selectors = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
                var limit = int.TryParse(query["limit"].FirstOrDefault(), out var l) ? l : (int?)null;
                var list = service.List(type, ns, selectors, limit, query["continue"].FirstOrDefault());
                if (table)
                {
                    var meta = list["metadata"]!;
                    list = TableConverter.Convert(type, list["items"]!.AsArray().Select(i => Json.Clone(i!.AsObject())), Json.Str(meta["resourceVersion"]), Json.Str(meta["continue"]));
                }
                await WriteAsync(context, 200, list);
                return;
            case "GET":
                var obj = service.Get(type, ns, name!);
                await WriteAsync(context, 200, table ? TableConverter.Convert(type, [obj], null, null) : obj);
                return;
            case "POST" when name is null && subresource is null:
                if (type.Namespaced && ns is null)
                {
                    throw ApiException.MethodNotSupported(type, "create");
                }
                var body = await ReadObjectAsync(context, type, stopping);
                await WriteAsync(context, 201, service.Create(type, ns, body, new WriteOptions(ManagerOf(context, manager), dryRun, false)));
                return;
            case "PUT" when name is not null:
                var putBody = await ReadObjectAsync(context, type, stopping);
                await WriteAsync(context, 200, service.Update(type, ns, name, subresource, putBody, new WriteOptions(ManagerOf(context, manager), dryRun, false)));
                return;
            case "PATCH" when name is not null:
                var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
                var text = await ReadBodyAsync(context, stopping);
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw ApiException.BadRequest("the request body is empty: a patch is required");
                }
                var options = new WriteOptions(contentType.StartsWith("application/apply-patch", StringComparison.Ordinal) ? manager : ManagerOf(context, manager), dryRun, force);
                var (patched, created) = service.Patch(type, ns, name, subresource, contentType, text, options);
                await WriteAsync(context, created ? 201 : 200, patched);
                return;
            case "DELETE" when subresource is null:
                var deleteOptions = await ReadDeleteOptionsAsync(context, dryRun, stopping);
                if (name is null)
                {
                    var sel = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
                    await WriteAsync(context, 200, service.DeleteCollection(type, ns, sel, deleteOptions));
                    return;
                }
                await WriteAsync(context, 200, service.Delete(type, ns, name, deleteOptions));
                return;
            default:
                throw ApiException.MethodNotSupported(type, method);
        }
    }

    // Like the real server, an update without fieldManager is recorded under the client's user-agent name.
    private static string ManagerOf(HttpContext context, string manager)
    {
        if (manager.Length > 0)
        {
            return manager;
        }
        var agent = context.Request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/');
        var name = slash > 0 ? agent[..slash] : agent;
        return name.Length > 0 ? name : "unknown";
    }

    private static async Task<string> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceType type, CancellationToken cancellationToken)
    {
        if (ProtobufBody.IsProtobuf(context.Request.ContentType))
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, cancellationToken);
            return ProtobufBody.Decode(type, buffer.ToArray());
        }
        return BodyParser.ParseObject(context.Request.ContentType, await ReadBodyAsync(context, cancellationToken));
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context, bool dryRun, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var policy = query["propagationPolicy"].FirstOrDefault();
        if (query["orphanDependents"].FirstOrDefault() == "true")
        {
            policy = "Orphan";
        }
        string? uid = null, rv = null;
        var text = await ReadBodyAsync(context, cancellationToken);
        if (!string.IsNullOrWhiteSpace(text) && BodyParser.ParseJson(text) is JsonObject body)
        {
            policy = Json.Str(body["propagationPolicy"]) ?? policy;
            if (body["orphanDependents"] is JsonValue od && od.TryGetValue<bool>(out var orphan) && orphan)
            {
                policy = "Orphan";
            }
            uid = Json.Str(body["preconditions"]?["uid"]);
            rv = Json.Str(body["preconditions"]?["resourceVersion"]);
            dryRun |= body["dryRun"] is JsonArray dr && dr.Any(d => Json.Str(d) == "All");
        }
        return new DeleteOptions(dryRun, policy, uid, rv);
    }

    internal static async Task WriteAsync(HttpContext context, int code, JsonNode body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }
}
