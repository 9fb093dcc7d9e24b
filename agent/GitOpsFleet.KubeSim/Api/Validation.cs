using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsFleet.KubeSim.Model;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>The object validation every kind shares on a real API server: names, labels, annotations, string maps.</summary>
internal static partial class Validation
{
    private const string SubdomainHelp = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelHelp = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public static void Check(ResourceType type, JsonObject obj)
    {
        foreach (var part in new[] { "metadata", "spec", "status" })
        {
            if (obj[part] is { } node and not JsonObject)
            {
                // What the real server's JSON decoder says when a struct field gets a scalar or a list.
                throw ApiException.BadRequest($"json: cannot unmarshal {node.GetValueKind().ToString().ToLowerInvariant()} into Go struct field {type.Kind}.{part} of type object");
            }
        }
        var meta = Json.Metadata(obj);
        var name = Json.Str(meta["name"]) ?? "";
        if (meta["name"] is not null and not JsonValue)
        {
            throw ApiException.Invalid(type, "", "metadata.name", "Invalid value: the name must be a string");
        }
        var isLabelKind = !type.Custom && type.Kind is "Namespace" or "Service";
        if (type.Group == "rbac.authorization.k8s.io")
        {
            // RBAC names only have to be valid path segments ("system:controller:x" is fine).
            if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('%'))
            {
                throw ApiException.Invalid(type, name, "metadata.name", $"Invalid value: \"{name}\": may not be '.' or '..' and may not contain '/' or '%'");
            }
        }
        else if (isLabelKind ? !DnsLabel().IsMatch(name) || name.Length > 63 : !Subdomain().IsMatch(name) || name.Length > 253)
        {
            throw ApiException.Invalid(type, name, "metadata.name", $"Invalid value: \"{name}\": {(isLabelKind ? LabelHelp : SubdomainHelp)}");
        }
        CheckStringMap(type, name, meta["labels"], "metadata.labels");
        CheckStringMap(type, name, meta["annotations"], "metadata.annotations");
        if (!type.Custom && type.Kind is "ConfigMap" or "Secret")
        {
            CheckStringMap(type, name, obj["data"], "data");
            CheckStringMap(type, name, obj["binaryData"], "binaryData");
            CheckStringMap(type, name, obj["stringData"], "stringData");
        }
        if (meta["finalizers"] is { } finalizers && (finalizers is not JsonArray list || list.Any(f => Json.Str(f) is null)))
        {
            throw ApiException.Invalid(type, name, "metadata.finalizers", "Invalid value: finalizers must be a list of strings");
        }
        if (meta["ownerReferences"] is { } owners && (owners is not JsonArray refs || refs.Any(r => r is not JsonObject o || Json.Str(o["uid"]) is null || Json.Str(o["name"]) is null || Json.Str(o["kind"]) is null)))
        {
            throw ApiException.Invalid(type, name, "metadata.ownerReferences", "Invalid value: each owner reference needs apiVersion, kind, name and uid");
        }
    }

    private static void CheckStringMap(ResourceType type, string name, JsonNode? node, string field)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject map)
        {
            throw ApiException.Invalid(type, name, field, "Invalid value: must be a map of strings");
        }
        foreach (var (key, value) in map)
        {
            if (value is not null && Json.Str(value) is null)
            {
                throw ApiException.Invalid(type, name, $"{field}.{key}", "Invalid value: must be a string");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
