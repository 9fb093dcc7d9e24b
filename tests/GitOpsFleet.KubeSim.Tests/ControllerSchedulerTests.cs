using System.Diagnostics;
using GitOpsFleet.KubeSim.Controllers;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>The shared controller queue: in order and one at a time per cluster (lane), concurrent across clusters.</summary>
public sealed class ControllerSchedulerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Schedule_ManyItemsOnOneLane_RunInOrderOneAtATime()
    {
        var scheduler = new ControllerScheduler(4);
        var lane = new ControllerScheduler.Lane();
        var order = new List<int>();
        var inside = 0;
        var overlapped = false;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            var n = i;
            scheduler.Schedule(lane, TimeSpan.Zero, () =>
            {
                if (Interlocked.Increment(ref inside) != 1)
                {
                    overlapped = true;
                }
                Thread.SpinWait(200);
                lock (order)
                {
                    order.Add(n);
                }
                Interlocked.Decrement(ref inside);
                if (n == count - 1)
                {
                    done.SetResult();
                }
            });
        }

        await done.Task.WaitAsync(Deadline);

        Assert.False(overlapped, "two items of one lane ran at the same time");
        Assert.Equal(Enumerable.Range(0, count), order);
    }

    [Fact]
    public async Task Schedule_OneLaneBlocked_OtherLanesStillRun()
    {
        var scheduler = new ControllerScheduler(2);
        var blocked = new ControllerScheduler.Lane();
        var free = new ControllerScheduler.Lane();
        using var release = new ManualResetEventSlim();
        var blockedStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blockedDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var freeDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Schedule(blocked, TimeSpan.Zero, () =>
        {
            blockedStarted.SetResult();
            release.Wait(Deadline);
            blockedDone.SetResult();
        });
        await blockedStarted.Task.WaitAsync(Deadline);

        scheduler.Schedule(free, TimeSpan.Zero, () => freeDone.SetResult());

        // The old single-threaded queue would hold the second cluster until the first finished.
        await freeDone.Task.WaitAsync(Deadline);
        Assert.False(blockedDone.Task.IsCompleted);
        release.Set();
        await blockedDone.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Schedule_WithDelay_RunsNotBeforeItIsDue()
    {
        var scheduler = new ControllerScheduler(2);
        var lane = new ControllerScheduler.Lane();
        var ran = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var clock = Stopwatch.StartNew();

        scheduler.Schedule(lane, TimeSpan.FromMilliseconds(300), () =>
        {
            lock (order)
            {
                order.Add("delayed");
            }
            ran.SetResult(clock.Elapsed);
        });
        scheduler.Schedule(lane, TimeSpan.Zero, () =>
        {
            lock (order)
            {
                order.Add("immediate");
            }
        });

        var elapsed = await ran.Task.WaitAsync(Deadline);
        Assert.Equal(["immediate", "delayed"], order);
        // Environment.TickCount64 has a coarse resolution on some systems; allow for it.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(250), $"ran after {elapsed.TotalMilliseconds} ms, due at 300 ms");
    }
}
