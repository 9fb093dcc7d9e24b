using Grpc.Core;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary>
/// <c>fleet events --watch</c>: follows the hub's WatchEvents stream and reconnects when it is lost (hub restart,
/// network cut), filling the gap from ListEvents so no event is missed or printed twice. Stops on Ctrl+C or an
/// error retrying cannot fix (token, permission, bad filter).
/// </summary>
internal static class EventWatch
{
    /// <summary>Longest wait between reconnect attempts (the wait doubles from the environment's poll interval).</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Events fetched to fill a gap after a reconnect (the hub keeps 1,000).</summary>
    private const int GapLimit = 1000;

    public static async Task<int> RunAsync(CliContext ctx, string objectFilter, Func<Event, Task> print, CancellationToken ct)
    {
        long lastId = 0;
        var connectedOnce = false;
        var backoff = ctx.Environment.WaitPollInterval;
        while (true)
        {
            try
            {
                using var call = ctx.Client.WatchEvents(new WatchEventsRequest { Object = objectFilter }, ctx.Call(ct));
                // The hub sends headers once subscribed: from here on no new event is missed.
                await call.ResponseHeadersAsync;
                if (connectedOnce)
                {
                    await ctx.Stderr.WriteLineAsync("reconnected to the hub's event stream");
                    lastId = await PrintGapAsync(ctx, objectFilter, lastId, print, ct);
                }
                connectedOnce = true;
                backoff = ctx.Environment.WaitPollInterval;
                await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (e.Id > lastId || e.Id == 0)
                    {
                        await print(e);
                        lastId = Math.Max(lastId, e.Id);
                    }
                }
                await ctx.Stderr.WriteLineAsync($"the hub ended the event stream; reconnecting in {backoff.TotalSeconds:0.##}s");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                return ExitCodes.Success; // Ctrl+C ends a watch normally
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (RpcException ex) when (IsRetryable(ex.StatusCode))
            {
                await ctx.Stderr.WriteLineAsync($"lost the hub's event stream ({ex.StatusCode}: {ex.Status.Detail}); reconnecting in {backoff.TotalSeconds:0.##}s");
            }
            try
            {
                await Task.Delay(backoff, ct);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Success;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Prints the events that happened while disconnected (ids above the last printed); the new last id.</summary>
    private static async Task<long> PrintGapAsync(CliContext ctx, string objectFilter, long lastId, Func<Event, Task> print, CancellationToken ct)
    {
        if (lastId == 0)
        {
            return lastId;
        }
        var recent = await ctx.Client.ListEventsAsync(new ListEventsRequest { Object = objectFilter, Limit = GapLimit }, ctx.Call(ct));
        foreach (var e in recent.Events.Where(e => e.Id > lastId).OrderBy(e => e.Id))
        {
            await print(e);
            lastId = e.Id;
        }
        return lastId;
    }

    /// <summary>Stream loss and hub restarts; not a bad token, a refused permission or a bad filter.</summary>
    private static bool IsRetryable(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded
            or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.Cancelled;
}
