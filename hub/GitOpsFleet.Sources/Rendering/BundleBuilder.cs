using System.Security.Cryptography;
using System.Text;
using GitOpsFleet.Sources.Parsing;

namespace GitOpsFleet.Sources.Rendering;

/// <summary>Turns parsed objects into a <see cref="RenderedBundle"/>: a stable order, an output cap and a content hash.</summary>
internal sealed class BundleBuilder(long maxOutputBytes, string applicationLabel)
{
    private readonly List<(string File, int Document, int Order, string Json)> _items = [];
    private long _bytes;

    /// <summary>Adds the objects parsed from one file, keeping their order inside it.</summary>
    public void AddFile(string file, IReadOnlyList<ParsedManifest> manifests)
    {
        for (var i = 0; i < manifests.Count; i++)
        {
            var json = manifests[i].Object.ToJsonString();
            _bytes += Encoding.UTF8.GetByteCount(json);
            if (_bytes > maxOutputBytes)
                throw TooLarge();
            _items.Add((file, manifests[i].DocumentIndex, i, json));
        }
    }

    /// <summary>Counts raw input bytes before parsing, so a huge file fails before it is read into objects.</summary>
    public void CheckInputSize(string file, long size)
    {
        if (size > maxOutputBytes)
            throw new SourceException($"{file} is {size:N0} bytes, over the {maxOutputBytes:N0}-byte output limit of {applicationLabel}");
    }

    public SourceException TooLarge() =>
        new($"rendered manifests of {applicationLabel} exceed the {maxOutputBytes:N0}-byte output limit");

    public RenderedBundle Build()
    {
        var ordered = _items
            .OrderBy(i => i.File, StringComparer.Ordinal)
            .ThenBy(i => i.Document)
            .ThenBy(i => i.Order)
            .Select(i => i.Json)
            .ToList();
        return new RenderedBundle(ordered, HashOf(ordered));
    }

    /// <summary>SHA-256 (lower-case hex) over the manifests, each followed by a newline so boundaries count.</summary>
    public static string HashOf(IEnumerable<string> manifestsJson)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var json in manifestsJson)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(json));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
