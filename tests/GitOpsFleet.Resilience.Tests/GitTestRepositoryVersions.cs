namespace GitOpsFleet.Resilience.Tests;

/// <summary>The one application these tests deploy: a ConfigMap whose data.version tells revisions apart.</summary>
internal static class GitTestRepositoryVersions
{
    /// <summary>Commits a ConfigMap web-config whose data.version is <paramref name="version"/>; returns the commit SHA.</summary>
    public static string CommitVersion(this GitTestRepository repository, string version)
    {
        repository.WriteFile("app/configmap.yaml",
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  version: {version}\n");
        return repository.Commit($"Version {version}");
    }
}
