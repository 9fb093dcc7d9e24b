using System.Diagnostics;

namespace GitOpsFleet.Bench;

/// <summary>A Git repository in a temp folder, driven with the git CLI the way a person would.</summary>
internal sealed class BenchGitRepository : IDisposable
{
    private BenchGitRepository(string path) => Path = path;

    public string Path { get; }

    public static BenchGitRepository Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gitopsfleet-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var repository = new BenchGitRepository(path);
        repository.Git("init", "-q", "-b", "main");
        repository.Git("config", "user.email", "bench@gitopsfleet.local");
        repository.Git("config", "user.name", "Bench");
        return repository;
    }

    public void WriteFile(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Commits everything in the work tree and returns the new commit's SHA.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {Path} failed ({process.ExitCode}): {error}");
        }
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Git may still hold a file for a moment; temp is cleaned by the OS.
        }
    }
}
