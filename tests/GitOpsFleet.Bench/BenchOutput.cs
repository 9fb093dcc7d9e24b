using System.Text.Json;

namespace GitOpsFleet.Bench;

/// <summary>Writes a scenario's figures as JSON under the --out folder.</summary>
internal static class BenchOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<string> WriteAsync(string outDirectory, string scenario, object result, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDirectory);
        var path = Path.Combine(outDirectory, $"{scenario}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        var document = new Dictionary<string, object>
        {
            ["scenario"] = scenario,
            ["utc"] = DateTime.UtcNow.ToString("O"),
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            ["result"] = result,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Options), cancellationToken);
        Console.WriteLine($"wrote {path}");
        return path;
    }
}
