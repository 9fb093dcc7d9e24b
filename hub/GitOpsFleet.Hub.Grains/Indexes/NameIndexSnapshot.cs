using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// What <see cref="INameIndexGrain.ListAsync"/> returns: the stored entries, sorted by name (ordinal), never changed
/// after it is built. [Immutable] tells Orleans not to deep-copy it on each grain call: every caller in the silo
/// shares the one instance, so no caller may change it or the attribute dictionaries in it (they are read-only views).
/// </summary>
[GenerateSerializer, Immutable]
public sealed class NameIndexSnapshot : IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>
{
    /// <summary>The empty index.</summary>
    public static readonly NameIndexSnapshot Empty = new([], []);

    [Id(0)] private readonly string[] _names;
    [Id(1)] private readonly Dictionary<string, string>[] _attributes;

    private NameIndexSnapshot(string[] names, Dictionary<string, string>[] attributes)
    {
        _names = names;
        _attributes = attributes;
    }

    /// <summary>A snapshot of <paramref name="entries"/>; the attribute dictionaries are shared, so they must never be changed later.</summary>
    internal static NameIndexSnapshot Of(IReadOnlyDictionary<string, Dictionary<string, string>> entries)
    {
        var names = entries.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        var attributes = new Dictionary<string, string>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            attributes[i] = entries[names[i]];
        }
        return new NameIndexSnapshot(names, attributes);
    }

    public int Count => _names.Length;

    public IEnumerable<string> Keys => _names;

    public IEnumerable<IReadOnlyDictionary<string, string>> Values => _attributes;

    public IReadOnlyDictionary<string, string> this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"name {key} is not in the index");

    public bool ContainsKey(string key) => Find(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IReadOnlyDictionary<string, string> value)
    {
        var at = Find(key);
        value = at >= 0 ? _attributes[at] : null;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyDictionary<string, string>>> GetEnumerator()
    {
        for (var i = 0; i < _names.Length; i++)
        {
            yield return new KeyValuePair<string, IReadOnlyDictionary<string, string>>(_names[i], _attributes[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Binary search: the names are sorted, and a second (hashed) copy of them per snapshot would cost memory per change.
    private int Find(string key) => Array.BinarySearch(_names, key, StringComparer.Ordinal);
}
