namespace GitOpsFleet.Hub.Grains;

/// <summary>Turns rendered manifests into the wire form agents receive (the host supplies the protobuf codec).</summary>
public interface IBundleCompressor
{
    byte[] Compress(IReadOnlyList<string> manifestsJson);
}
