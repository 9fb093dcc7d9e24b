namespace GitOpsFleet.Sources.Git;

/// <summary>Checks a targetRevision before it reaches libgit2's rev-parse, which would otherwise accept expressions like <c>main~3</c>.</summary>
internal static class RevisionSyntax
{
    private static readonly char[] Forbidden = [' ', '~', '^', ':', '?', '*', '[', '\\', '\t', '\n', '\r'];

    public static void Validate(string revision, RepositorySpec repository)
    {
        if (revision.IndexOfAny(Forbidden) >= 0 || revision.Contains("..", StringComparison.Ordinal)
            || revision.Contains("@{", StringComparison.Ordinal) || revision.StartsWith('-') || revision.StartsWith('/')
            || revision.EndsWith('/') || revision.EndsWith(".lock", StringComparison.Ordinal))
            throw new SourceException($"revision '{revision}' is not a valid branch, tag or commit name (repository {repository.Name})");
    }

    public static bool IsHex(string value) => value.Length > 0 && value.All(char.IsAsciiHexDigit);
}
