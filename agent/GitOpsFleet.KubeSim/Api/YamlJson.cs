using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitOpsFleet.KubeSim.Api;

/// <summary>Reads a YAML (or JSON, which is YAML) document into a JSON node, typing plain scalars as YAML 1.2 core does.</summary>
internal static class YamlJson
{
    // Duplicate keys are an error in YAML; refusing them in JSON too sends such a body to the YAML path and its error.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    public static JsonNode? Parse(string text)
    {
        // Clients (kubectl, KubernetesClient, our agent) send apply patches as JSON under the YAML content
        // type; the JSON parser reads them several times faster. YAML flow style ({a: b}) is not JSON and
        // falls through to the YAML parser.
        if (LooksLikeJson(text))
        {
            try
            {
                return JsonNode.Parse(text, documentOptions: StrictJson);
            }
            catch (JsonException)
            {
            }
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        return Convert(stream.Documents[0].RootNode);
    }

    private static bool LooksLikeJson(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return c is '{' or '[';
            }
        }
        return false;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMap(map),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMap(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw ApiException.BadRequest("error converting YAML to JSON: non-scalar mapping key");
            o[key] = Convert(v);
        }
        return o;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v);
        }
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if ((char.IsDigit(v[0]) || v[0] is '-' or '+' or '.') && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !v.StartsWith('.'))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(v);
    }
}
