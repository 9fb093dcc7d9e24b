using LibGit2Sharp;

namespace GitOpsFleet.Hub.Demo;

/// <summary>Creates the demo's local Git repository from the example manifests shipped with the hub.</summary>
internal static class DemoRepository
{
    /// <summary>The example manifests copied next to the hub's binaries at build time.</summary>
    public static string ExamplesDirectory() => Path.Combine(AppContext.BaseDirectory, "examples", "guestbook");

    /// <summary>Initialises <paramref name="path"/> with one commit on main, unless a repository is already there.</summary>
    public static string Ensure(string path, string examplesDirectory)
    {
        if (Repository.IsValid(path))
        {
            return path;
        }
        if (!Directory.Exists(examplesDirectory))
        {
            throw new DirectoryNotFoundException($"Example manifests not found at {examplesDirectory}; rebuild the hub project.");
        }
        Directory.CreateDirectory(path);
        Repository.Init(path);
        using var repository = new Repository(path);
        foreach (var file in Directory.GetFiles(examplesDirectory))
        {
            File.Copy(file, Path.Combine(path, Path.GetFileName(file)), overwrite: true);
        }
        Commands.Stage(repository, "*");
        var author = new Signature("GitOpsFleet demo", "demo@gitopsfleet.local", DateTimeOffset.UtcNow);
        var commit = repository.Commit("Guestbook: first version", author, author);
        // Name the branch main whatever the machine's init.defaultBranch says.
        if (repository.Head.FriendlyName != "main")
        {
            var main = repository.CreateBranch("main", commit);
            Commands.Checkout(repository, main);
        }
        return path;
    }
}
