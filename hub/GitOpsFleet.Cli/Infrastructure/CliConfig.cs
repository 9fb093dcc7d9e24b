using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitOpsFleet.Cli.Infrastructure;

/// <summary>The file <c>fleet login</c> writes: the hub address, the API token and the hub's CA file.</summary>
internal sealed record CliConfig(
    [property: JsonPropertyName("hub")] string? Hub,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("caFile")] string? CaFile = null)
{
    public static CliConfig Load(string path)
    {
        if (!File.Exists(path)) return new CliConfig(null, null);
        try
        {
            return JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path)) ?? new CliConfig(null, null);
        }
        catch (JsonException ex)
        {
            throw new CliException($"config file {path} is not valid JSON ({ex.Message}); run 'fleet login --hub URL --token T' to rewrite it");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true });
        // The token is a secret: create the file readable by its owner only.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
