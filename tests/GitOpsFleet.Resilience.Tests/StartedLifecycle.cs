using Orleans.Runtime;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>Runs the start stages a silo would run for one lifecycle participant (a storage provider outside a silo).</summary>
internal sealed class StartedLifecycle : ISiloLifecycle
{
    private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

    public int HighestCompletedStage { get; private set; }

    public int LowestStoppedStage { get; private set; }

    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _observers.Add((stage, observer));
        return new NoopDisposable();
    }

    public static async Task StartAsync(Action<ISiloLifecycle> participate)
    {
        var lifecycle = new StartedLifecycle();
        participate(lifecycle);
        foreach (var (stage, observer) in lifecycle._observers.OrderBy(o => o.Stage))
        {
            await observer.OnStart(CancellationToken.None);
            lifecycle.HighestCompletedStage = stage;
        }
    }

    private sealed class NoopDisposable : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
