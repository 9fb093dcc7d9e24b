namespace GitOpsFleet.Resilience.Tests;

/// <summary>
/// A <see cref="RedisServer"/> with persistence on (append-only file, fsync on every write, in its own temp
/// dir) that a test can kill and start again on the same port and data: a Redis restart as operators run it.
/// </summary>
public sealed class PersistentRedisServer : RedisServer
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gitopsfleet-redis-" + Guid.NewGuid().ToString("N")[..12]);

    // appendfsync always: a write acknowledged before the kill is on disk, so "nothing lost" is a fair assertion.
    protected override IEnumerable<string> PersistenceArguments()
    {
        Directory.CreateDirectory(_directory);
        return ["--dir", _directory, "--appendonly", "yes", "--appendfsync", "always", "--save", ""];
    }

    /// <summary>SIGKILLs redis-server: no shutdown save, every client's connection drops.</summary>
    public Task StopAsync()
    {
        KillProcess();
        return Task.CompletedTask;
    }

    /// <summary>Starts redis-server again on the same port and data dir; returns once it answers PING (its data loaded).</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
