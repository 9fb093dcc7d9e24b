using System.Diagnostics;

namespace GitOpsFleet.Testing;

/// <summary>
/// A real Git repository in a temp folder, driven with the git CLI the way a person would; the hub
/// fetches it by path. Deleted on dispose.
/// </summary>
public sealed class GitTestRepository : IDisposable
{
    private GitTestRepository(string path) => Path = path;

    /// <summary>The work tree (also the URL the hub fetches).</summary>
    public string Path { get; }

    /// <summary>Creates an empty repository on branch main; <paramref name="prefix"/> names the temp folder.</summary>
    public static GitTestRepository Create(string prefix = "gitopsfleet-test")
    {
        var repository = new GitTestRepository(System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(repository.Path);
        repository.Git("init", "-q", "-b", "main");
        repository.Git("config", "user.email", "tests@gitopsfleet.local");
        repository.Git("config", "user.name", "GitOpsFleet tests");
        return repository;
    }

    /// <summary>Writes a file under the work tree, creating its folders.</summary>
    public void WriteFile(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Deletes a file from the work tree (commit to make it count).</summary>
    public void DeleteFile(string relativePath) => File.Delete(System.IO.Path.Combine(Path, relativePath));

    /// <summary>Commits everything in the work tree and returns the new commit's SHA.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    /// <summary>Runs git in the work tree and returns its standard output; a non-zero exit throws with git's message.</summary>
    public string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
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
            // A file still open by a reader; the OS cleans the temp folder later.
        }
    }
}
