namespace GitOpsFleet.Bench;

/// <summary>Dispatches to one benchmark scenario by name.</summary>
public static class BenchProgram
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Scenarios = new(StringComparer.Ordinal)
    {
        ["kubesim-memory"] = KubeSimMemoryScenario.RunAsync,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !Scenarios.TryGetValue(args[0], out var scenario))
        {
            await Console.Error.WriteLineAsync($"usage: GitOpsFleet.Bench SCENARIO [options]; scenarios: {string.Join(", ", Scenarios.Keys)}");
            return 2;
        }
        return await scenario(args[1..]);
    }
}
