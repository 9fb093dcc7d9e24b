namespace GitOpsFleet.Hub.Hosting;

/// <summary>Tells /readyz whether the silo is active.</summary>
internal sealed class HubReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(HubReadiness), ServiceLifecycleStage.Active,
            _ => { _ready = true; return Task.CompletedTask; },
            _ => { _ready = false; return Task.CompletedTask; });
}
