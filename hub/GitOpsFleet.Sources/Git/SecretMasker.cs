using System.Text.RegularExpressions;

namespace GitOpsFleet.Sources.Git;

/// <summary>Removes passwords, tokens and URL user-info from text before it reaches a log or an error.</summary>
internal static partial class SecretMasker
{
    private const string MaskText = "***";

    /// <summary>Masks the repository's password and any user-info in URLs within <paramref name="text"/>.</summary>
    public static string Mask(string text, RepositorySpec? repository)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var masked = text;
        if (!string.IsNullOrEmpty(repository?.Password))
            masked = masked.Replace(repository.Password, MaskText, StringComparison.Ordinal);
        return UserInfo().Replace(masked, m => m.Groups["scheme"].Value + MaskText + "@");
    }

    /// <summary>The URL as it may be shown: without user-info.</summary>
    public static string SafeUrl(string url) => Mask(url, null);

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")]
    private static partial Regex UserInfo();
}
