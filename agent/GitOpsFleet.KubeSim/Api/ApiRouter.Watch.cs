using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;
using GitOpsFleet.KubeSim.Store;
using Microsoft.AspNetCore.Http;

namespace GitOpsFleet.KubeSim.Api;

internal sealed partial class ApiRouter
{
    /// <summary>
    /// Streams watch events as newline-delimited JSON. Without a resourceVersion (or "0") the current
    /// objects come first as ADDED; with one, the recorded history after it is replayed, or an ERROR
    /// event with a 410 Expired Status ends the watch when that history is gone.
    /// </summary>
    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns, bool table, CancellationToken stopping)
    {
        var query = context.Request.Query;
        var selectors = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        var rvText = query["resourceVersion"].FirstOrDefault();
        var bookmarks = query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1";
        var timeout = int.TryParse(query["timeoutSeconds"].FirstOrDefault(), out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        long since = 0;
        if (!string.IsNullOrEmpty(rvText) && rvText != "0" && !long.TryParse(rvText, CultureInfo.InvariantCulture, out since))
        {
            throw ApiException.BadRequest($"invalid resource version: {rvText}");
        }
        // sendInitialEvents (the watch-list protocol) streams the current state first, then a bookmark that marks its end.
        var sendInitialEvents = query["sendInitialEvents"].FirstOrDefault() == "true";
        var initial = sendInitialEvents || string.IsNullOrEmpty(rvText) || rvText == "0";
        var store = service.Store;
        var watcher = new Watcher(type.Key, ns);
        List<JsonObject>? current = null;
        List<WatchEvent>? replay;
        long historyFloor;
        lock (store.Sync)
        {
            if (initial || !selectors.IsEmpty)
            {
                current = [.. store.List(type.Key, ns).Select(e => ResourceService.Materialize(type, e.Object))];
            }
            if (initial)
            {
                since = store.ResourceVersion;
            }
            historyFloor = store.HistoryFloor;
            replay = store.AddWatcher(watcher, since);
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        timeoutSource.CancelAfter(timeout);
        var token = timeoutSource.Token;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var columnsSent = false;
        // With a selector, objects that start or stop matching arrive as ADDED or DELETED, as on a real server.
        var matching = selectors.IsEmpty ? null : new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await context.Response.StartAsync(token);
            if (replay is null)
            {
                var gone = ApiException.Status(410, "Expired", $"too old resource version: {since} ({historyFloor + 1})", null);
                await SendAsync(context, "ERROR", gone, token);
                return;
            }
            foreach (var obj in current ?? [])
            {
                if (selectors.Matches(obj))
                {
                    matching?.Add(KeyOf(obj));
                    if (initial)
                    {
                        await SendObjectAsync("ADDED", obj);
                    }
                }
            }
            if (sendInitialEvents)
            {
                await SendAsync(context, "BOOKMARK", new JsonObject
                {
                    ["kind"] = type.Kind,
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = new JsonObject
                    {
                        ["resourceVersion"] = since.ToString(CultureInfo.InvariantCulture),
                        ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
                    },
                }, token);
            }
            foreach (var e in replay)
            {
                await SendEventAsync(e);
            }
            await context.Response.Body.FlushAsync(token);
            var reader = watcher.Events.Reader;
            Task<bool>? wait = null;
            while (!token.IsCancellationRequested)
            {
                // One outstanding wait at a time: a bookmark tick leaves it pending for the next round.
                wait ??= reader.WaitToReadAsync(token).AsTask();
                if (bookmarks)
                {
                    var finished = await Task.WhenAny(wait, Task.Delay(bookmarkInterval, token));
                    if (finished != wait)
                    {
                        await SendBookmarkAsync();
                        continue;
                    }
                }
                var more = await wait;
                wait = null;
                if (!more)
                {
                    return;
                }
                while (reader.TryRead(out var e))
                {
                    await SendEventAsync(e);
                }
                await context.Response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone, or host stopping: the watch simply ends, as a real one does.
        }
        finally
        {
            lock (store.Sync)
            {
                store.RemoveWatcher(watcher);
            }
        }

        async Task SendEventAsync(WatchEvent e)
        {
            var obj = ResourceService.Materialize(type, new StoredObject(e.Namespace, e.Name, e.ResourceVersion, e.Json));
            var matches = selectors.Matches(obj);
            if (matching is null)
            {
                if (matches)
                {
                    await SendObjectAsync(e.Type, obj);
                }
                return;
            }
            var key = KeyOf(obj);
            var known = matching.Contains(key);
            var eventType = (e.Type, matches, known) switch
            {
                ("DELETED", _, _) when known || matches => "DELETED",
                ("ADDED", true, _) => "ADDED",
                ("MODIFIED", true, true) => "MODIFIED",
                ("MODIFIED", true, false) => "ADDED",
                ("MODIFIED", false, true) => "DELETED",
                _ => null,
            };
            if (eventType is null)
            {
                return;
            }
            if (eventType == "DELETED")
            {
                matching.Remove(key);
            }
            else
            {
                matching.Add(key);
            }
            await SendObjectAsync(eventType, obj);
        }

        async Task SendObjectAsync(string eventType, JsonObject obj)
        {
            JsonNode payload = obj;
            if (table)
            {
                payload = TableConverter.Convert(type, [obj], Json.Str(obj["metadata"]?["resourceVersion"]), null, !columnsSent);
                columnsSent = true;
            }
            await SendAsync(context, eventType, payload, token);
        }

        async Task SendBookmarkAsync()
        {
            long rv;
            lock (store.Sync)
            {
                // Only when every event up to now has been sent may a bookmark claim that version.
                if (watcher.Events.Reader.Count > 0)
                {
                    return;
                }
                rv = store.ResourceVersion;
            }
            var bookmark = new JsonObject
            {
                ["kind"] = type.Kind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
            };
            await SendAsync(context, "BOOKMARK", bookmark, token);
            await context.Response.Body.FlushAsync(token);
        }
    }

    private static string KeyOf(JsonObject obj) => $"{Json.Str(obj["metadata"]?["namespace"])}/{Json.Str(obj["metadata"]?["name"])}";

    private static async Task SendAsync(HttpContext context, string eventType, JsonNode obj, CancellationToken token)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["type"] = eventType, ["object"] = obj });
        await context.Response.Body.WriteAsync(line, token);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), token);
        await context.Response.Body.FlushAsync(token);
    }
}
