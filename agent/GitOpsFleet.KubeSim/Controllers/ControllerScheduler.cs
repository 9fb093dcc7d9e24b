namespace GitOpsFleet.KubeSim.Controllers;

/// <summary>
/// One timer queue shared by every simulated cluster in the process: idle clusters cost no timer
/// and no thread. Due work items run on the thread pool, at most <see cref="Environment.ProcessorCount"/>
/// at once, and never two of the same <see cref="Lane"/> (one cluster) at once, in due order per lane.
/// </summary>
internal sealed class ControllerScheduler
{
    public static ControllerScheduler Shared { get; } = new(Environment.ProcessorCount);

    private readonly PriorityQueue<(Lane Lane, Action Action), (long Due, long Sequence)> _timed = new();
    private readonly Queue<Lane> _runnable = new();
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private readonly int _maxWorkers;
    private long _sequence;
    private long _armedFor = long.MaxValue;
    private int _workers;

    internal ControllerScheduler(int maxWorkers)
    {
        _maxWorkers = Math.Max(1, maxWorkers);
        _timer = new Timer(_ => PromoteDue(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>
    /// The serialization unit: one per cluster. Holds no queue while idle, so an idle cluster costs one
    /// small object.
    /// </summary>
    internal sealed class Lane
    {
        // Guarded by the scheduler's lock.
        internal Queue<Action>? Ready;
        internal bool Queued;
    }

    public void Schedule(Lane lane, TimeSpan delay, Action action)
    {
        var due = Environment.TickCount64 + (long)Math.Max(0, delay.TotalMilliseconds);
        lock (_lock)
        {
            // The sequence number keeps first-in-first-out order for equal due times.
            _timed.Enqueue((lane, action), (due, _sequence++));
            if (due < _armedFor)
            {
                Arm(due);
            }
        }
    }

    private void Arm(long due)
    {
        _armedFor = due;
        _timer.Change(Math.Max(0, due - Environment.TickCount64), Timeout.Infinite);
    }

    // Timer callback: moves every due item to its lane's ready queue, re-arms for the next one and
    // starts workers. Cheap, so a large backlog never holds the timer.
    private void PromoteDue()
    {
        var start = 0;
        lock (_lock)
        {
            _armedFor = long.MaxValue;
            var now = Environment.TickCount64;
            while (_timed.TryPeek(out var item, out var priority) && priority.Due <= now)
            {
                _timed.Dequeue();
                (item.Lane.Ready ??= new Queue<Action>()).Enqueue(item.Action);
                if (!item.Lane.Queued)
                {
                    item.Lane.Queued = true;
                    _runnable.Enqueue(item.Lane);
                }
            }
            if (_timed.TryPeek(out _, out var next))
            {
                Arm(next.Due);
            }
            while (_workers + start < _maxWorkers && start < _runnable.Count)
            {
                start++;
            }
            _workers += start;
        }
        for (var i = 0; i < start; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Work(), this, preferLocal: false);
        }
    }

    // A worker takes a lane, runs one of its items and puts the lane back at the tail if it has more
    // (fair across clusters). A lane is in the runnable queue or held by one worker, never both, so a
    // cluster's items never run concurrently.
    private void Work()
    {
        while (true)
        {
            Lane lane;
            Action action;
            lock (_lock)
            {
                if (!_runnable.TryDequeue(out lane!))
                {
                    _workers--;
                    return;
                }
                action = lane.Ready!.Dequeue();
            }
            try
            {
                action();
            }
            catch (Exception)
            {
                // A failing reconcile must not stop every other cluster's controllers; it is retried on the next change.
            }
            lock (_lock)
            {
                if (lane.Ready!.Count > 0)
                {
                    _runnable.Enqueue(lane);
                }
                else
                {
                    lane.Ready = null;
                    lane.Queued = false;
                }
            }
        }
    }
}
