using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Protos;

/// <summary>Compresses bundles for the wire and computes their content hash.</summary>
public static class BundleCodec
{
    /// <summary>Largest message either side sends or accepts (16 MiB).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    public static ByteString Compress(Bundle bundle)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            bundle.WriteTo(gzip);
        }
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static Bundle Decompress(ByteString compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed.ToByteArray()), CompressionMode.Decompress);
        return Bundle.Parser.ParseFrom(gzip);
    }

    /// <summary>Hex SHA-256 over the manifests in order, so equal bundles share one hash.</summary>
    public static string Hash(Bundle bundle)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var manifest in bundle.Manifests)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(manifest.Json));
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
