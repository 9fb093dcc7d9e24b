using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitOpsFleet.Sources.Parsing;

/// <summary>
/// Streams YAML documents into <see cref="JsonNode"/> trees with YAML 1.2 core-schema scalars
/// (so <c>"1.0"</c> stays a string and <c>1.0</c> a number). Aliases are copied, with a node budget
/// so a "billion laughs" document fails instead of eating the hub's memory.
/// </summary>
internal sealed class YamlToJson
{
    private const int MaxNodes = 2_000_000;
    private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);
    private readonly IParser _parser;
    private int _nodes;

    private YamlToJson(IParser parser) => _parser = parser;

    /// <summary>Every document of <paramref name="text"/> in order; an empty document yields null.</summary>
    public static IEnumerable<JsonNode?> ReadDocuments(string text)
    {
        var reader = new YamlToJson(new Parser(new StringReader(text)));
        return reader.Documents();
    }

    private IEnumerable<JsonNode?> Documents()
    {
        _parser.Consume<StreamStart>();
        while (!_parser.TryConsume<StreamEnd>(out _))
        {
            _parser.Consume<DocumentStart>();
            _anchors.Clear();
            JsonNode? document = null;
            if (!_parser.Accept<DocumentEnd>(out _))
                document = ReadNode();
            _parser.Consume<DocumentEnd>();
            yield return document;
        }
    }

    private JsonNode? ReadNode()
    {
        if (++_nodes > MaxNodes)
            throw new YamlException("document expands to more than 2,000,000 nodes (alias bomb?)");

        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
            var copy = target?.DeepClone();
            _nodes += CountNodes(copy);
            if (_nodes > MaxNodes)
                throw new YamlException(alias.Start, alias.End, "document expands to more than 2,000,000 nodes (alias bomb?)");
            return copy;
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            var value = ScalarValue(scalar);
            Remember(scalar.Anchor, value);
            return value;
        }

        if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var array = new JsonArray();
            while (!_parser.TryConsume<SequenceEnd>(out _))
                array.Add(ReadNode());
            Remember(sequenceStart.Anchor, array);
            return array;
        }

        var mappingStart = _parser.Consume<MappingStart>();
        var obj = new JsonObject();
        HashSet<string>? merged = null; // keys a merge brought in, which explicit keys may override
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyStart = _parser.Current?.Start ?? Mark.Empty;
            var key = ReadNode();
            if (key is null or JsonObject or JsonArray)
                throw new YamlException(keyStart, keyStart, "mapping keys must be plain scalars");
            var name = key.GetValueKind() == System.Text.Json.JsonValueKind.String ? key.GetValue<string>() : key.ToJsonString();
            var value = ReadNode();
            if (name == "<<" && value is JsonObject source)
            {
                // YAML merge key: keys already present win.
                merged ??= new HashSet<string>(StringComparer.Ordinal);
                foreach (var (k, v) in source.ToList())
                {
                    if (obj.ContainsKey(k)) continue;
                    obj[k] = v?.DeepClone();
                    merged.Add(k);
                }

                continue;
            }

            if (obj.ContainsKey(name) && merged?.Remove(name) != true)
                throw new YamlException(keyStart, keyStart, $"duplicate key '{name}'");
            obj[name] = value;
        }

        Remember(mappingStart.Anchor, obj);
        return obj;
    }

    private void Remember(AnchorName anchor, JsonNode? node)
    {
        if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
    }

    private static int CountNodes(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Sum(p => CountNodes(p.Value)),
        JsonArray a => 1 + a.Sum(CountNodes),
        _ => 1,
    };

    private static JsonNode? ScalarValue(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        switch (tag)
        {
            case "tag:yaml.org,2002:str": return JsonValue.Create(text);
            case "tag:yaml.org,2002:null": return null;
            case "tag:yaml.org,2002:bool": return JsonValue.Create(bool.Parse(text));
            case "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float": return Number(text) ?? JsonValue.Create(text);
            case "tag:yaml.org,2002:binary": return JsonValue.Create(text.Replace("\n", string.Empty, StringComparison.Ordinal));
        }

        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ => Number(text) ?? JsonValue.Create(text),
        };
    }

    private static JsonNode? Number(string text)
    {
        if (text.Length == 0) return null;
        var first = text[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.')) return null;
        if (text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                return JsonValue.Create(Convert.ToInt64(text[2..], 8));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        if (text is ".inf" or "+.inf" or "-.inf" or ".nan") return null; // JSON has no infinities: keep the text
        if (text.All(c => char.IsAsciiDigit(c) || c is '-' or '+') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (IsYamlFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonValue.Create(real);
        return null;
    }

    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    private static bool IsYamlFloat(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '-' or '+') i++;
        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; digits++; }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; digits++; }
        }

        if (digits == 0) return false;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '-' or '+') i++;
            var exponent = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; exponent++; }
            if (exponent == 0) return false;
        }

        return i == text.Length;
    }
}
