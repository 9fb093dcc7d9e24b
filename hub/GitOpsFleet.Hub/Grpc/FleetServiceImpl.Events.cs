using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;

namespace GitOpsFleet.Hub.Grpc;

internal sealed partial class FleetServiceImpl
{
    /// <summary>Events returned when the request gives no limit.</summary>
    internal const int DefaultEventLimit = 100;

    /// <summary>How often a watcher looks for new events; polling works the same on any silo.</summary>
    internal static readonly TimeSpan WatchPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How far back a project token's event list looks (the whole log: it keeps 1,000).</summary>
    private const int ProjectEventWindow = 1000;

    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        if (request.Limit < 0)
        {
            throw HubException.Invalid("limit", "is negative");
        }
        var limit = request.Limit == 0 ? DefaultEventLimit : request.Limit;
        var view = await ProjectView.ForAsync(grains, context);
        // A project token's events are picked from the whole log, so it gets up to `limit` of its own.
        IEnumerable<EventRecord> events = await grains.Events().ListAsync(view is null ? limit : ProjectEventWindow, request.Object);
        if (view is not null)
        {
            var visible = new List<EventRecord>();
            foreach (var record in events)
            {
                if (await view.AllowsEventAsync(record.Object))
                {
                    visible.Add(record);
                }
            }
            events = visible.TakeLast(limit);
        }
        var reply = new ListEventsResponse();
        reply.Events.AddRange(events.Select(e => e.ToProto()));
        return reply;
    }

    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        var log = grains.Events();
        var latest = await log.ListAsync(1, "");
        var lastId = latest.Count > 0 ? latest[^1].Id : 0;
        // Headers now tell the watcher it is subscribed: every later event will reach it.
        await context.WriteResponseHeadersAsync([]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(WatchPollInterval);
        try
        {
            await WatchLoopAsync(log, request.Object, lastId, await ProjectView.ForAsync(grains, context), responseStream, timer, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The watcher left or the hub is stopping: the stream ends normally.
        }
    }

    private static async Task WatchLoopAsync(IEventLogGrain log, string obj, long lastId, ProjectView? view,
        IServerStreamWriter<Event> responseStream, PeriodicTimer timer, CancellationToken cancellationToken)
    {
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var record in await log.ListAfterAsync(lastId, obj))
            {
                lastId = record.Id;
                if (view is null || await view.AllowsEventAsync(record.Object))
                {
                    await responseStream.WriteAsync(record.ToProto(), cancellationToken);
                }
            }
        }
    }
}
