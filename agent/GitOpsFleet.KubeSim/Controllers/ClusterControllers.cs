using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Api;
using GitOpsFleet.KubeSim.Model;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim.Controllers;

/// <summary>
/// The simulated controllers of one cluster. Changes enqueue keyed reconciles on the shared
/// <see cref="ControllerScheduler"/>; duplicates of a pending key are dropped, so a burst of
/// changes costs one reconcile. Reconciles of one cluster run one at a time, in order; different
/// clusters' run concurrently. Holds nothing but a small set of pending keys.
/// </summary>
internal sealed partial class ClusterControllers(TimeSpan delay, string cluster, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly ControllerScheduler.Lane _lane = new();
    private HashSet<string>? _pending;
    private ResourceService? _service;
    private volatile bool _stopped;

    public TimeSpan Delay => delay;

    internal ResourceService Service => _service ?? throw new InvalidOperationException("controllers are not attached to a cluster");

    public void Attach(ResourceService service) => _service = service;

    public void Stop() => _stopped = true;

    private void Enqueue(string key, TimeSpan after, Action action)
    {
        if (_stopped)
        {
            return;
        }
        lock (_lock)
        {
            _pending ??= [];
            if (!_pending.Add(key))
            {
                return;
            }
        }
        ControllerScheduler.Shared.Schedule(_lane, after, () =>
        {
            lock (_lock)
            {
                _pending!.Remove(key);
                if (_pending.Count == 0)
                {
                    _pending = null;
                }
            }
            if (_stopped)
            {
                return;
            }
            try
            {
                action();
            }
            catch (Exception e)
            {
                KubeSimLog.ControllerFailed(logger, e, cluster, key);
            }
        });
    }

    /// <summary>Called (under the store lock) after an object was written.</summary>
    public void OnChanged(ResourceType type, string? ns, string name)
    {
        if (type.Custom)
        {
            return;
        }
        switch (type.Kind)
        {
            case "Deployment":
                Enqueue($"deploy/{ns}/{name}", TimeSpan.Zero, () => ReconcileDeployment(ns!, name));
                break;
            case "ReplicaSet":
                Enqueue($"rs/{ns}/{name}", TimeSpan.Zero, () => ReconcileReplicaSet(ns!, name));
                break;
            case "StatefulSet":
                Enqueue($"sts/{ns}/{name}", TimeSpan.Zero, () => ReconcileStatefulSet(ns!, name));
                break;
            case "DaemonSet":
                Enqueue($"ds/{ns}/{name}", TimeSpan.Zero, () => ReconcileDaemonSet(ns!, name));
                break;
            case "Job":
                Enqueue($"job/{ns}/{name}", TimeSpan.Zero, () => ReconcileJob(ns!, name));
                break;
            case "Pod":
                Enqueue($"pod/{ns}/{name}", delay, () => ReconcilePod(ns!, name));
                Enqueue($"podowner/{ns}/{name}", TimeSpan.Zero, () => ReconcileOwnerOf(Workloads.Pods, ns!, name));
                break;
            case "PersistentVolumeClaim":
                Enqueue($"pvc/{ns}/{name}", delay, () => ReconcilePvc(ns!, name));
                break;
            case "Service":
                Enqueue($"svc/{ns}/{name}", delay, () => ReconcileService(ns!, name));
                break;
            case "Ingress":
                Enqueue($"ing/{ns}/{name}", delay, () => ReconcileIngress(ns!, name));
                break;
            case "HorizontalPodAutoscaler":
                Enqueue($"hpa/{ns}/{name}", delay, () => ReconcileHpa(ns!, name));
                break;
            case "CustomResourceDefinition":
                Enqueue($"crd/{name}", TimeSpan.Zero, () => ReconcileCrd(name));
                break;
        }
        if (type.Kind == "ReplicaSet")
        {
            Enqueue($"rsowner/{ns}/{name}", TimeSpan.Zero, () => ReconcileOwnerOf(Workloads.ReplicaSets, ns!, name));
        }
    }

    /// <summary>Called (under the store lock) after an object was removed.</summary>
    public void OnDeleted(ResourceType type, JsonObject obj)
    {
        var ns = Json.Str(obj["metadata"]?["namespace"]);
        if (obj["metadata"]?["ownerReferences"] is JsonArray owners)
        {
            foreach (var owner in owners.OfType<JsonObject>())
            {
                var ownerName = Json.Str(owner["name"]);
                if (ownerName is null || ns is null)
                {
                    continue;
                }
                switch (Json.Str(owner["kind"]))
                {
                    case "ReplicaSet": OnChanged(Workloads.ReplicaSets, ns, ownerName); break;
                    case "StatefulSet": OnChanged(Workloads.StatefulSets, ns, ownerName); break;
                    case "DaemonSet": OnChanged(Workloads.DaemonSets, ns, ownerName); break;
                    case "Job": OnChanged(Workloads.Jobs, ns, ownerName); break;
                    case "Deployment": OnChanged(Workloads.Deployments, ns, ownerName); break;
                }
            }
        }
        if (ns is not null)
        {
            Enqueue($"ns/{ns}", delay, () => ReconcileNamespace(ns));
        }
        if (type.Kind == "CustomResourceDefinition" && !type.Custom)
        {
            var name = Json.Str(obj["metadata"]?["name"])!;
            Enqueue($"crd/{name}", TimeSpan.Zero, () => ReconcileCrd(name));
        }
    }

    // The namespace controller waits the controller delay, as a real one lags a little: "kubectl delete -f" of a
    // file that holds the namespace first can still delete the objects after it.
    public void OnNamespaceTerminating(string ns) => Enqueue($"ns/{ns}", delay, () => ReconcileNamespace(ns));

    public void CollectGarbage() => Enqueue("gc", TimeSpan.Zero, RunGarbageCollection);
}
