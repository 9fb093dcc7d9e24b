using GitOpsFleet.Hub.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Hub.Tests.Diagnostics;

/// <summary>The filter for Orleans' start-up watchdog race drops only the impossible participant stall.</summary>
public sealed class WatchdogStartupFilterTests
{
    private static readonly EventId Stall = new(WatchdogStartupFilter.StallEventId);
    private const string ParticipantTemplate = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.";

    [Fact]
    public void IsStartupRace_ParticipantStallLongerThanProcess_True()
    {
        Assert.True(WatchdogStartupFilter.IsStartupRace(LogLevel.Warning, Stall, State(ParticipantTemplate, TimeSpan.FromHours(6)), TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void IsStartupRace_ParticipantStallWithinProcessLifetime_False()
    {
        Assert.False(WatchdogStartupFilter.IsStartupRace(LogLevel.Warning, Stall, State(ParticipantTemplate, TimeSpan.FromSeconds(25)), TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void IsStartupRace_RuntimeStall_False()
    {
        var state = State(".NET Runtime Platform stalled for {TimeSinceLastTick}.", TimeSpan.FromHours(6));

        Assert.False(WatchdogStartupFilter.IsStartupRace(LogLevel.Warning, Stall, state, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void AddWatchdogStartupFilter_OrleansWatchdogLogger_IsTheFilter()
    {
        // Guards an Orleans upgrade: if the watchdog type moved, the filter silently stops applying.
        var services = new ServiceCollection().AddLogging().AddWatchdogStartupFilter();
        var watchdog = Type.GetType("Orleans.Runtime.Watchdog, Orleans.Runtime");
        Assert.NotNull(watchdog);
        using var provider = services.BuildServiceProvider();

        var logger = provider.GetRequiredService(typeof(ILogger<>).MakeGenericType(watchdog));

        Assert.StartsWith("FilteringLogger", logger.GetType().Name);
    }

    private static List<KeyValuePair<string, object?>> State(string template, TimeSpan stall) =>
        [new("TimeSinceLastTick", stall), new("{OriginalFormat}", template)];
}
