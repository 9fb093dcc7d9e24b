using System.Diagnostics;

namespace GitOpsFleet.Sources.Tests.Support;

/// <summary>A real Git working repository in its own temp folder, driven through the git CLI.</summary>
internal sealed class TestRepository : IDisposable
{
    private TestRepository(string root)
    {
        Root = root;
        WorkTree = Path.Combine(root, "work");
        CacheDirectory = Path.Combine(root, "cache");
        Directory.CreateDirectory(WorkTree);
    }

    /// <summary>The test's own folder: the work tree, the hub's cache and anything else the test needs.</summary>
    public string Root { get; }

    public string WorkTree { get; }

    public string CacheDirectory { get; }

    public static TestRepository Create(string defaultBranch = "main")
    {
        var root = Path.Combine(Path.GetTempPath(), "gitopsfleet-sources-tests", Guid.NewGuid().ToString("N"));
        var repo = new TestRepository(root);
        repo.Git("init", "-q", "-b", defaultBranch);
        return repo;
    }

    public RepositorySpec Spec(string name = "test") => new(name, WorkTree);

    public TestRepository Write(string relativePath, string content)
    {
        var path = Path.Combine(WorkTree, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    /// <summary>Copies a folder under testdata/ into the work tree at <paramref name="relativePath"/>.</summary>
    public TestRepository CopyTestData(string testDataFolder, string relativePath)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "testdata", testDataFolder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(WorkTree, relativePath, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return this;
    }

    public TestRepository Delete(string relativePath)
    {
        File.Delete(Path.Combine(WorkTree, relativePath));
        return this;
    }

    public TestRepository Symlink(string relativePath, string target)
    {
        var path = Path.Combine(WorkTree, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return this;
    }

    /// <summary>Commits everything in the work tree and returns the new commit's SHA.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD");
    }

    public string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = WorkTree, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false" })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["HOME"] = Root;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}");
        return stdout.Result.Trim();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind does not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
