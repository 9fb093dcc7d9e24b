using System.Diagnostics;

namespace GitOpsFleet.Resilience.Tests;

/// <summary>A real Git repository in a temp folder, driven with the git CLI; hub processes fetch it by path.</summary>
internal sealed class GitRepository : IDisposable
{
    private GitRepository(string path) => Path = path;

    public string Path { get; }

    public static GitRepository Create()
    {
        var repository = new GitRepository(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gitopsfleet-faults-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(repository.Path);
        repository.Git("init", "-q", "-b", "main");
        repository.Git("config", "user.email", "faults@gitopsfleet.local");
        repository.Git("config", "user.name", "Fault tests");
        return repository;
    }

    /// <summary>Commits a ConfigMap web-config whose data.version is <paramref name="version"/>; returns the commit SHA.</summary>
    public string CommitVersion(string version)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "app"));
        File.WriteAllText(System.IO.Path.Combine(Path, "app", "configmap.yaml"),
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  version: {version}\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", $"Version {version}");
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left to the temp dir cleaner.
        }
    }
}
