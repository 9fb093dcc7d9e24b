using GitOpsFleet.Agent.Hub;
using GitOpsFleet.Kube.Health;
using GitOpsFleet.Kube.Sync;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Apps;

/// <summary>Builds AppStatus messages and turns them into deltas against what the hub last received.</summary>
internal sealed class StatusTracker
{
    private Dictionary<string, ResourceStatus> _sent = new();
    private AppStatus? _lastApp;

    /// <summary>Next time send everything (after a new Desired or a reconnect).</summary>
    public bool NeedFull { get; set; } = true;

    public AppStatus? Build(string app, Desired desired, SyncResult? sync, AppHealthReport report, OperationPhase phase, bool outOfSync, string message, long nowUnixMs)
    {
        var results = sync?.Resources.GroupBy(r => r.Key.Identity).ToDictionary(g => g.Key, g => g.Last()) ?? new();
        var rows = new Dictionary<string, ResourceStatus>();
        foreach (var row in report.Resources)
        {
            var status = new ResourceStatus
            {
                Key = ProtoMapping.ToProto(row.Key),
                Sync = row.OutOfSync ? SyncStatus.OutOfSync : SyncStatus.Synced,
                Health = ProtoMapping.ToProto(row.Health.State),
                Message = row.Health.Message,
                Result = results.TryGetValue(row.Key.Identity, out var r) ? r.Action.ToString() : "",
            };
            if (r is { Action: ResourceAction.Failed or ResourceAction.Skipped })
            {
                status.Message = r.Message;
                if (r.Action == ResourceAction.Failed)
                {
                    status.Sync = SyncStatus.OutOfSync;
                }
            }
            status.Children.AddRange(row.Children.Select(ProtoMapping.ToProto));
            rows[row.Key.Identity] = status;
        }
        var appStatus = new AppStatus
        {
            App = app,
            Generation = desired.Generation,
            Revision = desired.Revision,
            Sync = outOfSync || rows.Values.Any(s => s.Sync == SyncStatus.OutOfSync) ? SyncStatus.OutOfSync : SyncStatus.Synced,
            Health = ProtoMapping.ToProto(report.Health),
            Phase = phase,
            Message = message,
        };
        var header = appStatus.Clone();
        if (NeedFull)
        {
            appStatus.Full = true;
            appStatus.Resources.AddRange(rows.Values);
        }
        else
        {
            appStatus.Resources.AddRange(rows.Where(kv => !_sent.TryGetValue(kv.Key, out var old) || !old.Equals(kv.Value)).Select(kv => kv.Value));
            appStatus.RemovedResources.AddRange(_sent.Where(kv => !rows.ContainsKey(kv.Key)).Select(kv => kv.Value.Key));
            if (appStatus.Resources.Count == 0 && appStatus.RemovedResources.Count == 0 && header.Equals(_lastApp))
            {
                return null; // nothing changed: say nothing
            }
        }
        appStatus.ObservedUnixMs = nowUnixMs;
        _pending = (rows, header);
        return appStatus;
    }

    private (Dictionary<string, ResourceStatus> Rows, AppStatus Header)? _pending;

    /// <summary>Records that the last built status reached the outbox.</summary>
    public void MarkSent()
    {
        if (_pending is { } pending)
        {
            _sent = pending.Rows;
            _lastApp = pending.Header;
            NeedFull = false;
        }
        _pending = null;
    }

}
