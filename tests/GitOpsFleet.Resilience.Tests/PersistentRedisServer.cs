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

    /// <summary>SIGKILLs redis-server, waits <paramref name="down"/>, starts it again on the same port and data dir.</summary>
    public async Task RestartAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        KillProcess();
        await Task.Delay(down, cancellationToken);
        await StartProcessAsync();
    }

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
