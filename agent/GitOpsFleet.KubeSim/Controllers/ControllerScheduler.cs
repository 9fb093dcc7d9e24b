namespace GitOpsFleet.KubeSim.Controllers;

/// <summary>
/// One timer queue shared by every simulated cluster in the process: idle clusters cost no timer
/// and no thread. Work items run one at a time on the timer's callback.
/// </summary>
internal sealed class ControllerScheduler
{
    public static ControllerScheduler Shared { get; } = new();

    private readonly PriorityQueue<Action, long> _queue = new();
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private long _sequence;
    private long _armedFor = long.MaxValue;
    private bool _running;

    private ControllerScheduler()
    {
        _timer = new Timer(_ => Drain(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public void Schedule(TimeSpan delay, Action action)
    {
        var due = Environment.TickCount64 + (long)Math.Max(0, delay.TotalMilliseconds);
        lock (_lock)
        {
            // Sequence number keeps first-in-first-out order for equal due times.
            _queue.Enqueue(action, due * 1024 + (_sequence++ & 1023));
            if (!_running && due < _armedFor)
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

    private void Drain()
    {
        lock (_lock)
        {
            if (_running)
            {
                return;
            }
            _running = true;
            _armedFor = long.MaxValue;
        }
        while (true)
        {
            Action? action = null;
            lock (_lock)
            {
                if (_queue.TryPeek(out var next, out var priority) && priority / 1024 <= Environment.TickCount64)
                {
                    _queue.Dequeue();
                    action = next;
                }
                else
                {
                    _running = false;
                    if (_queue.TryPeek(out _, out priority))
                    {
                        Arm(priority / 1024);
                    }
                    return;
                }
            }
            try
            {
                action();
            }
            catch (Exception)
            {
                // A failing reconcile must not stop every other cluster's controllers; it is retried on the next change.
            }
        }
    }
}
