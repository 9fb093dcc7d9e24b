using System.Text;
using System.Text.Json.Nodes;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>
/// Decodes the few protobuf bodies kubectl's generator commands send (create namespace,
/// configmap, secret, serviceaccount): the "k8s\0" envelope around runtime.Unknown, then the
/// typed message. Any other kind is answered with 415, which says what to use instead.
/// </summary>
internal static class ProtobufBody
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static bool IsProtobuf(string? contentType) => contentType is not null && contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase);

    public static JsonObject Decode(ResourceType type, byte[] body)
    {
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw ApiException.BadRequest("protobuf body without the k8s envelope");
        }
        byte[]? raw = null;
        foreach (var (field, _, bytes) in Fields(body.AsMemory(4)))
        {
            if (field == 2)
            {
                raw = bytes.ToArray();
            }
        }
        if (raw is null)
        {
            throw ApiException.BadRequest("protobuf envelope without an object");
        }
        var obj = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind };
        switch (type.Custom ? "" : type.Kind)
        {
            case "Namespace":
                foreach (var (field, _, bytes) in Fields(raw))
                {
                    if (field == 1) obj["metadata"] = ObjectMeta(bytes);
                }
                break;
            case "ConfigMap":
                foreach (var (field, value, bytes) in Fields(raw))
                {
                    switch (field)
                    {
                        case 1: obj["metadata"] = ObjectMeta(bytes); break;
                        case 2: AddMapEntry(obj, "data", bytes, base64: false); break;
                        case 3: AddMapEntry(obj, "binaryData", bytes, base64: true); break;
                        case 4: obj["immutable"] = value != 0; break;
                    }
                }
                break;
            case "Secret":
                foreach (var (field, value, bytes) in Fields(raw))
                {
                    switch (field)
                    {
                        case 1: obj["metadata"] = ObjectMeta(bytes); break;
                        case 2: AddMapEntry(obj, "data", bytes, base64: true); break;
                        case 3: obj["type"] = Str(bytes); break;
                        case 4: AddMapEntry(obj, "stringData", bytes, base64: false); break;
                        case 5: obj["immutable"] = value != 0; break;
                    }
                }
                break;
            case "ServiceAccount":
                foreach (var (field, _, bytes) in Fields(raw))
                {
                    if (field == 1) obj["metadata"] = ObjectMeta(bytes);
                }
                break;
            default:
                throw new ApiException(415, "UnsupportedMediaType",
                    $"the simulated cluster decodes protobuf only for Namespace, ConfigMap, Secret and ServiceAccount, not {type.Kind}: send JSON or YAML (kubectl create -f, kubectl apply)");
        }
        return obj;
    }

    private static JsonObject ObjectMeta(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        foreach (var (field, _, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1: meta["name"] = Str(value); break;
                case 2: meta["generateName"] = Str(value); break;
                case 3: meta["namespace"] = Str(value); break;
                case 11: AddMapEntry(meta, "labels", value, base64: false); break;
                case 12: AddMapEntry(meta, "annotations", value, base64: false); break;
                case 14: (meta["finalizers"] as JsonArray ?? (JsonArray)(meta["finalizers"] = new JsonArray())).Add(Str(value)); break;
            }
        }
        return meta;
    }

    private static void AddMapEntry(JsonObject parent, string name, ReadOnlyMemory<byte> entry, bool base64)
    {
        string? key = null;
        JsonNode? value = JsonValue.Create("");
        foreach (var (field, _, bytes) in Fields(entry))
        {
            if (field == 1) key = Str(bytes);
            if (field == 2) value = base64 ? Convert.ToBase64String(bytes.Span) : Str(bytes);
        }
        if (key is null)
        {
            return;
        }
        var map = parent[name] as JsonObject ?? (JsonObject)(parent[name] = new JsonObject());
        map[key] = value;
    }

    private static string Str(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The fields of one protobuf message: number, varint value (for wire type 0) and bytes (for wire type 2).</summary>
    private static IEnumerable<(int Field, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message.Span, ref at);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    yield return (field, Varint(message.Span, ref at), ReadOnlyMemory<byte>.Empty);
                    break;
                case 1:
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref at);
                    if (length < 0 || at + length > message.Length)
                    {
                        throw ApiException.BadRequest("truncated protobuf body");
                    }
                    yield return (field, 0, message.Slice(at, length));
                    at += length;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    throw ApiException.BadRequest("unsupported protobuf wire type");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= span.Length)
            {
                throw ApiException.BadRequest("truncated protobuf body");
            }
            var b = span[at++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw ApiException.BadRequest("malformed protobuf varint");
    }
}
