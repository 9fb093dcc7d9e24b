using System.Security.Cryptography;
using System.Text;

namespace GitOpsFleet.Sources.Git;

/// <summary>How a repository URL is reached and where its bare cache lives.</summary>
internal static class RepositoryLocation
{
    /// <summary>The cache folder: a hash of the URL, so two names for one URL share a cache and no URL text reaches the disk.</summary>
    public static string CacheFolder(string cacheDirectory, string url)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.Trim())));
        return Path.Combine(Path.GetFullPath(cacheDirectory), hash[..32] + ".git");
    }

    /// <summary>The URL libgit2 is given: local paths made absolute, file:// kept.</summary>
    public static string RemoteUrl(string url)
    {
        var trimmed = url.Trim();
        if (IsLocalPath(trimmed)) return Path.GetFullPath(trimmed);
        return trimmed;
    }

    public static bool IsSsh(string url) =>
        url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("git+ssh://", StringComparison.OrdinalIgnoreCase)
        || (!url.Contains("://", StringComparison.Ordinal) && url.Contains('@') && url.Contains(':'));

    private static bool IsLocalPath(string url) => !url.Contains("://", StringComparison.Ordinal) && !IsSsh(url);
}
