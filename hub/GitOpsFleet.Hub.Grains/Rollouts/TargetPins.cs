namespace GitOpsFleet.Hub.Grains;

/// <summary>
/// A change to which commit each target of an application gets: <see cref="Pin"/> moves clusters to
/// commits, <see cref="Unpin"/> sends clusters back to the baseline, <see cref="ClearAll"/> unpins every
/// cluster, and a non-empty <see cref="Baseline"/> becomes the revision unpinned clusters get.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TargetPins(
    IReadOnlyDictionary<string, string> Pin,
    IReadOnlyList<string> Unpin,
    bool ClearAll,
    string Baseline);
