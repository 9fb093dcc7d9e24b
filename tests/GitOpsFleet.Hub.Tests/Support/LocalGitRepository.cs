using System.Diagnostics;

namespace GitOpsFleet.Hub.Tests.Support;

/// <summary>A real Git repository in a temp folder, driven with the git CLI.</summary>
internal sealed class LocalGitRepository : IDisposable
{
    public LocalGitRepository()
    {
        Directory.CreateDirectory(Path);
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "tests@gitopsfleet.invalid");
        Git("config", "user.name", "tests");
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gitopsfleet-hub-git", Guid.NewGuid().ToString("N"));

    /// <summary>Writes files (path relative to the repository) and commits them; returns the commit SHA.</summary>
    public string Commit(string message, params (string File, string? Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }
        return output;
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
