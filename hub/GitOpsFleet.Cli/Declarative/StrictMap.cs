using System.Globalization;
using GitOpsFleet.Cli.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace GitOpsFleet.Cli.Declarative;

/// <summary>A YAML mapping read strictly: every key must be read, so an unknown (or misspelt) field is an error that names it.</summary>
internal sealed class StrictMap
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly string _where;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public StrictMap(YamlNode? node, string path, string where)
    {
        _path = path;
        _where = where;
        _node = node switch
        {
            YamlMappingNode m => m,
            null => new YamlMappingNode(),
            YamlScalarNode { Value: null or "" or "~" or "null" } => new YamlMappingNode(),
            _ => throw Error($"{Describe(path)} must be a mapping"),
        };
    }

    public string? String(string key)
    {
        var node = Get(key);
        return node switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            _ => throw Error($"{Field(key)} must be a string"),
        };
    }

    public bool Bool(string key)
    {
        var text = String(key);
        if (text is null) return false;
        return text switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error($"{Field(key)} must be true or false, not '{text}'"),
        };
    }

    public double? Number(string key)
    {
        var text = String(key);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"{Field(key)} must be a number, not '{text}'");
    }

    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null) return null;
        try
        {
            return Parse.Duration(text, Field(key));
        }
        catch (CliException ex)
        {
            throw Error(ex.Message);
        }
    }

    public StrictMap Map(string key) => new(Get(key), Field(key), _where);

    public Dictionary<string, string> StringMap(string key)
    {
        var map = Map(key);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in map.Keys) result[k] = map.String(k) ?? string.Empty;
        map.Done();
        return result;
    }

    public List<string> Strings(string key)
    {
        var node = Get(key);
        return node switch
        {
            null => [],
            YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? string.Empty : throw Error($"{Field(key)} must be a list of strings")).ToList(),
            _ => throw Error($"{Field(key)} must be a list"),
        };
    }

    /// <summary>A list of mappings, each read strictly (e.g. spec.rollout.waves).</summary>
    public List<StrictMap> Maps(string key)
    {
        var node = Get(key);
        return node switch
        {
            null => [],
            YamlSequenceNode seq => seq.Children.Select((c, i) => new StrictMap(c, $"{Field(key)}[{i}]", _where)).ToList(),
            _ => throw Error($"{Field(key)} must be a list"),
        };
    }

    public IEnumerable<string> Keys => _node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty).ToList();

    /// <summary>Marks a field as known but refused, with the reason.</summary>
    public void Unsupported(string key, string reason)
    {
        if (Get(key) is not null) throw Error($"{Field(key)} is not supported: {reason}");
    }

    /// <summary>Throws for the first key nobody read.</summary>
    public void Done()
    {
        var unknown = Keys.FirstOrDefault(k => !_read.Contains(k));
        if (unknown is not null) throw Error($"unknown field {Field(unknown)}");
    }

    private YamlNode? Get(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private string Field(string key) => _path.Length == 0 ? key : _path + "." + key;

    private static string Describe(string path) => path.Length == 0 ? "the document" : path;

    private CliException Error(string message) => new($"{_where}: {message}");
}
