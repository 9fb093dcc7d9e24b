using System.Globalization;

namespace GitOpsFleet.Sources.Git;

/// <summary>A semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]), leading "v" allowed, ordered by SemVer 2.0 precedence.</summary>
internal sealed record SemanticVersion(long Major, long Minor, long Patch, string Prerelease) : IComparable<SemanticVersion>
{
    public static bool TryParse(string text, out SemanticVersion version)
    {
        version = null!;
        var s = text.Trim();
        if (s.StartsWith('v') || s.StartsWith('V')) s = s[1..];
        var plus = s.IndexOf('+');
        if (plus >= 0) s = s[..plus];
        var dash = s.IndexOf('-');
        var prerelease = dash >= 0 ? s[(dash + 1)..] : string.Empty;
        if (dash >= 0) s = s[..dash];
        var parts = s.Split('.');
        if (parts.Length is < 1 or > 3) return false;
        var numbers = new long[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return false;
        }

        if (parts.Length < 3 && dash >= 0) return false; // "1.2-rc1" is not a version
        version = new SemanticVersion(numbers[0], numbers[1], numbers[2], prerelease);
        return true;
    }

    public bool IsPrerelease => Prerelease.Length > 0;

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        // A release ranks above its pre-releases: 1.0.0-rc.1 < 1.0.0.
        if (Prerelease.Length == 0) return other.Prerelease.Length == 0 ? 0 : 1;
        if (other.Prerelease.Length == 0) return -1;
        return ComparePrerelease(Prerelease, other.Prerelease);
    }

    private static int ComparePrerelease(string a, string b)
    {
        var x = a.Split('.');
        var y = b.Split('.');
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var xNumeric = long.TryParse(x[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xn);
            var yNumeric = long.TryParse(y[i], NumberStyles.None, CultureInfo.InvariantCulture, out var yn);
            var c = (xNumeric, yNumeric) switch
            {
                (true, true) => xn.CompareTo(yn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x[i], y[i]),
            };
            if (c != 0) return c;
        }

        return x.Length.CompareTo(y.Length);
    }

    public override string ToString() => $"{Major}.{Minor}.{Patch}{(IsPrerelease ? "-" + Prerelease : string.Empty)}";
}
