namespace GitOpsFleet.Resilience.Tests;

/// <summary>A small grain state for the storage contract tests.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public string Note { get; set; } = "";
}
