namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// The test classes that run hub silos as separate processes, one after another. Each can run beside
/// anything (free ports, own Redis, own data dirs); together on 2 cores, 8-10 silo processes starved
/// each other's Orleans membership probes and a silo-kill test ran past its deadlines.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HubProcessesCollection
{
    public const string Name = "hub processes";
}
