namespace GitOpsFleet.Sources.Webhooks;

/// <summary>Compares repository URLs across forms: https://host/o/r(.git), ssh://git@host/o/r.git, git@host:o/r.git.</summary>
public static class RepositoryUrl
{
    /// <summary>"host/owner/repo", lower-case, without scheme, credentials, port for ssh forms, or ".git".</summary>
    public static string Normalize(string url)
    {
        var s = url.Trim();
        string hostAndPath;
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var isSsh = s[..scheme].Contains("ssh", StringComparison.OrdinalIgnoreCase);
            hostAndPath = s[(scheme + 3)..];
            var at = hostAndPath.IndexOf('@');
            var slash = hostAndPath.IndexOf('/');
            if (at >= 0 && (slash < 0 || at < slash)) hostAndPath = hostAndPath[(at + 1)..];
            slash = hostAndPath.IndexOf('/');
            var host = slash < 0 ? hostAndPath : hostAndPath[..slash];
            // An ssh port says how to reach the server, not which repository it is.
            if (isSsh && host.Contains(':')) host = host[..host.IndexOf(':')];
            if (!isSsh && (host.EndsWith(":443", StringComparison.Ordinal) || host.EndsWith(":80", StringComparison.Ordinal))) host = host[..host.LastIndexOf(':')];
            hostAndPath = slash < 0 ? host : host + hostAndPath[slash..];
        }
        else if (s.Contains('@') && s.Contains(':'))
        {
            // scp form: git@host:owner/repo.git
            var at = s.IndexOf('@');
            var colon = s.IndexOf(':', at);
            hostAndPath = s[(at + 1)..colon] + "/" + s[(colon + 1)..].TrimStart('/');
        }
        else
        {
            hostAndPath = s;
        }

        hostAndPath = hostAndPath.TrimEnd('/');
        if (hostAndPath.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) hostAndPath = hostAndPath[..^4];
        return hostAndPath.TrimEnd('/').ToLowerInvariant();
    }

    /// <summary>True when both URLs name the same repository.</summary>
    public static bool SameRepository(string a, string b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && Normalize(a) == Normalize(b);
}
