using System.Diagnostics;

namespace GitOpsFleet.Hub.Diagnostics;

/// <summary>
/// Drops one false warning of Orleans' silo watchdog (Orleans 10.4): "Participant check thread has not completed
/// for HH:MM:SS" at every start, where HH:MM:SS is the machine's uptime. Watchdog.Start starts its platform thread
/// before it stamps <c>_componentWatchdogTimestamp</c>, so the first platform tick measures the time since
/// Stopwatch timestamp 0, i.e. since boot. No option reorders that, so the warning is filtered, narrowly: only that
/// message, and only when the stall it reports is longer than this process has existed (impossible for a real one).
/// Every other watchdog warning, real participant stalls included, is logged as before.
/// </summary>
internal static class WatchdogStartupFilter
{
    /// <summary>Orleans' ErrorCode.SiloHeartbeatTimerStalled, shared by the runtime and participant stall warnings.</summary>
    internal const int StallEventId = 100150;

    /// <summary>Decorates the watchdog's ILogger; leaves the services alone if Orleans renamed the type.</summary>
    public static IServiceCollection AddWatchdogStartupFilter(this IServiceCollection services)
    {
        var watchdog = Type.GetType("Orleans.Runtime.Watchdog, Orleans.Runtime", throwOnError: false);
        if (watchdog is not null)
        {
            // A closed ILogger<Watchdog> wins over the open ILogger<> registration of AddLogging.
            services.AddSingleton(typeof(ILogger<>).MakeGenericType(watchdog), typeof(FilteringLogger<>).MakeGenericType(watchdog));
        }
        return services;
    }

    /// <summary>True for the participant stall warning when its duration is longer than the process's age.</summary>
    internal static bool IsStartupRace<TState>(LogLevel level, EventId eventId, TState state, TimeSpan processAge)
    {
        if (level != LogLevel.Warning || eventId.Id != StallEventId || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return false;
        }
        var template = values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value as string;
        var stall = values.FirstOrDefault(v => v.Key == "TimeSinceLastTick").Value;
        return template?.StartsWith("Participant check thread has not completed", StringComparison.Ordinal) == true
            && stall is TimeSpan duration && duration > processAge;
    }

    private static TimeSpan ProcessAge()
    {
        using var process = Process.GetCurrentProcess();
        return DateTime.Now - process.StartTime;
    }

    private sealed class FilteringLogger<T>(ILoggerFactory factory) : ILogger<T>
    {
        private readonly ILogger _inner = factory.CreateLogger<T>();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == StallEventId && IsStartupRace(logLevel, eventId, state, ProcessAge()))
            {
                return;
            }
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
