using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOpsFleet.Bench;

/// <summary>
/// Sees the in-process agents' own log events (by event name, never by message text) and keeps when each
/// happened: how the bench counts reconnects from the agents' side without reaching into the agent.
/// Only the AgentRunner category is listened to, and messages are never formatted, so it costs next to nothing.
/// </summary>
internal sealed class AgentEventRecorder : ILoggerProvider
{
    /// <summary>HubSession.LogConnected: the hub's Welcome arrived (a stream is up).</summary>
    public const string Connected = "LogConnected";

    /// <summary>AgentRunner.LogReconnecting: the agent sleeps its backoff before the next attempt.</summary>
    public const string Reconnecting = "LogReconnecting";

    private const string Category = "GitOpsFleet.Agent.AgentRunner";

    private readonly ConcurrentQueue<(string Name, long UnixMs)> _events = new();

    /// <summary>A logger factory for the agents that reports to this recorder.</summary>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(this));

    /// <summary>Unix ms of every event named <paramref name="name"/> at or after <paramref name="sinceUnixMs"/>, in order.</summary>
    public List<long> Times(string name, long sinceUnixMs) =>
        [.. _events.Where(e => e.Name == name && e.UnixMs >= sinceUnixMs).Select(e => e.UnixMs).Order()];

    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? new Recorder(_events) : NullLogger.Instance;

    public void Dispose()
    {
        // Nothing to release: the events stay readable after the agents stop.
    }

    /// <summary>Events per whole second (from <paramref name="startUnixMs"/>), and the busiest second's count.</summary>
    public static (List<int> PerSecond, int Peak) PerSecond(IReadOnlyCollection<long> times, long startUnixMs)
    {
        var perSecond = new List<int>();
        foreach (var t in times)
        {
            var second = (int)Math.Max(0, (t - startUnixMs) / 1000);
            while (perSecond.Count <= second)
            {
                perSecond.Add(0);
            }
            perSecond[second]++;
        }
        return (perSecond, perSecond.Count == 0 ? 0 : perSecond.Max());
    }

    private sealed class Recorder(ConcurrentQueue<(string Name, long UnixMs)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is Connected or Reconnecting)
            {
                events.Enqueue((eventId.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
        }
    }
}
