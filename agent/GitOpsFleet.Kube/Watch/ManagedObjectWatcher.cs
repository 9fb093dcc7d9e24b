using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Discovery;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Watch;

/// <summary>
/// Watches every kind the agent manages (objects labelled managed-by=gitopsfleet, all namespaces) and
/// tells which application's object changed, read from its tracking-id annotation. A watch that ends or
/// fails is resumed from the last resourceVersion, or from scratch after 410 Gone.
/// A MODIFIED event whose only change is status, resourceVersion or managedFields (controllers report
/// progress all the time) is passed on as <see cref="StatusOnly"/>, so the host can skip the drift check.
/// </summary>
/// <remarks>The callback gets the application, the object's key, the event type and the object's resourceVersion.</remarks>
public sealed class ManagedObjectWatcher(KubeRestClient client, Action<string, ResourceKey, string, string?> onChange) : IAsyncDisposable
{
    /// <summary>A watcher whose callback does not need the resourceVersion.</summary>
    public ManagedObjectWatcher(KubeRestClient client, Action<string, ResourceKey, string> onChange)
        : this(client, (app, key, type, _) => onChange(app, key, type))
    {
    }

    private readonly ConcurrentDictionary<string, Task> _watches = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Starts watching a kind unless it is watched already.</summary>
    public void EnsureWatching(ApiResource resource)
    {
        var id = resource.CollectionPath(null);
        _watches.GetOrAdd(id, _ => Task.Run(() => WatchLoopAsync(resource, _stop.Token)));
    }

    public int WatchCount => _watches.Count;

    /// <summary>Event type passed for a modification that changed nothing but status and bookkeeping.</summary>
    public const string StatusOnly = "STATUS";

    private async Task WatchLoopAsync(ApiResource resource, CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        // uid -> hash of the object without status and bookkeeping; only this loop touches it.
        var fingerprints = new Dictionary<string, int>(StringComparer.Ordinal);
        var selector = $"{WellKnown.ManagedByLabel}={WellKnown.ManagedByValue}";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var (type, obj) in client.WatchAsync(resource.CollectionPath(null), selector, resourceVersion, cancellationToken).ConfigureAwait(false))
                {
                    if (type == "ERROR")
                    {
                        // 410 Gone: our resourceVersion is too old; start over with a fresh list.
                        resourceVersion = null;
                        break;
                    }
                    var objectVersion = obj.Str("metadata", "resourceVersion");
                    resourceVersion = objectVersion ?? resourceVersion;
                    if (type == "BOOKMARK")
                    {
                        continue;
                    }
                    var tracking = obj.Str("metadata", "annotations", WellKnown.TrackingIdAnnotation);
                    var colon = tracking?.IndexOf(':') ?? -1;
                    if (colon <= 0)
                    {
                        continue;
                    }
                    var key = new ResourceKey(resource.Group, resource.Version, resource.Kind, obj.Str("metadata", "namespace") ?? "", obj.Str("metadata", "name") ?? "");
                    onChange(tracking![..colon], key, Classify(type, obj, fingerprints), objectVersion);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException ex) when (ex.StatusCode == HttpStatusCode.Gone)
            {
                resourceVersion = null;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A dropped connection or a bad event: resume after a pause rather than die.
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The event type, or <see cref="StatusOnly"/> when a MODIFIED object is unchanged but for status and bookkeeping.</summary>
    internal static string Classify(string type, JsonObject obj, Dictionary<string, int> fingerprints)
    {
        var uid = obj.Str("metadata", "uid") ?? $"{obj.Str("metadata", "namespace")}/{obj.Str("metadata", "name")}";
        if (type == "DELETED")
        {
            fingerprints.Remove(uid);
            return type;
        }
        // The event object is ours alone, so strip it in place. A hash collision would hide one change
        // until the periodic drift check; a string hash is enough for that.
        obj.Remove("status");
        if (obj["metadata"] is JsonObject metadata)
        {
            metadata.Remove("resourceVersion");
            metadata.Remove("managedFields");
        }
        var fingerprint = obj.ToJsonString().GetHashCode(StringComparison.Ordinal);
        var seen = fingerprints.TryGetValue(uid, out var previous);
        fingerprints[uid] = fingerprint;
        return type == "MODIFIED" && seen && previous == fingerprint ? StatusOnly : type;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_watches.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
