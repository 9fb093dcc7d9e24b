using System.Diagnostics;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>A real Git repository in a temp folder, driven with the git CLI the way a person would.</summary>
internal sealed class GitTestRepository : IDisposable
{
    private GitTestRepository(string path) => Path = path;

    public string Path { get; }

    public static GitTestRepository Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gitopsfleet-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var repository = new GitTestRepository(path);
        repository.Git("init", "-q", "-b", "main");
        repository.Git("config", "user.email", "e2e@gitopsfleet.local");
        repository.Git("config", "user.name", "End to end");
        return repository;
    }

    public void WriteFile(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public void DeleteFile(string relativePath) => File.Delete(System.IO.Path.Combine(Path, relativePath));

    /// <summary>Commits everything in the work tree and returns the new commit's SHA.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] arguments)
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
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a reader; the temp folder is cleaned by the OS later.
        }
    }
}
