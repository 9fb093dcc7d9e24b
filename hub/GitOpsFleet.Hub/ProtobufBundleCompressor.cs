using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Hub;

/// <summary>Compresses rendered manifests into the agent protocol's gzip-of-Bundle form.</summary>
internal sealed class ProtobufBundleCompressor : IBundleCompressor
{
    public byte[] Compress(IReadOnlyList<string> manifestsJson)
    {
        var bundle = new Bundle();
        bundle.Manifests.AddRange(manifestsJson.Select(json => new Manifest { Json = json }));
        return BundleCodec.Compress(bundle).ToByteArray();
    }
}
