using System.Runtime.InteropServices;

namespace GitOpsFleet.Bench;

/// <summary>Dispatches to one benchmark scenario by name, or runs them all small with --quick.</summary>
public static class BenchProgram
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Scenarios = new(StringComparer.Ordinal)
    {
        ["kubesim-memory"] = KubeSimMemoryScenario.RunAsync,
        ["fanout"] = FanoutScenario.RunAsync,
        ["floor"] = FloorScenario.RunAsync,
        ["idle"] = IdleScenario.RunAsync,
        ["agent"] = AgentScenario.RunAsync,
        ["waves"] = WavesScenario.RunAsync,
        ["hold"] = HoldScenario.RunAsync,
        ["reconnect"] = ReconnectScenario.RunAsync,
        ["agents"] = AgentsWorker.RunAsync,
    };

    // --quick: every scenario at a size that finishes in under two minutes together.
    private static readonly (string Scenario, string[] Args)[] Quick =
    [
        ("fanout", ["--clusters", "20", "--runs", "3"]),
        ("idle", ["--clusters", "50", "--runs", "1", "--settle-s", "5"]),
        ("agent", ["--resources", "50", "--runs", "1", "--settle-s", "5"]),
        // Waves folds its 20 clusters into two `agents` worker processes: the path past --per-process.
        ("waves", ["--clusters", "20", "--runs", "1", "--per-process", "10"]),
        ("hold", ["--steps", "10,20", "--settle-s", "0", "--probe-every", "10", "--lag-readings", "1"]),
        ("reconnect", ["--clusters", "10", "--runs", "1", "--settle-s", "1"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        // Ctrl-C or SIGTERM ends the bench at once, its child processes first. The in-process hub's host would
        // otherwise take the signal as "stop the hub" and leave the scenario waiting on it.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // The hub logs every agent connect at Information: thousands of lines that would cost CPU
        // in the measured process. Children inherit this too.
        if (Environment.GetEnvironmentVariable("Logging__LogLevel__Default") is null)
        {
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        }
        if (args.Length > 0 && args[0] == "--quick")
        {
            foreach (var (name, quickArgs) in Quick)
            {
                Console.WriteLine($"== {name} {string.Join(' ', quickArgs)}");
                var code = await Scenarios[name]([.. quickArgs, .. args[1..]]);
                if (code != 0)
                {
                    return code;
                }
            }
            return 0;
        }
        if (args.Length == 0 || !Scenarios.TryGetValue(args[0], out var scenario))
        {
            await Console.Error.WriteLineAsync($"usage: GitOpsFleet.Bench SCENARIO [options] | --quick [--out DIR]; scenarios: {string.Join(", ", Scenarios.Keys)}");
            return 2;
        }
        return await scenario(args[1..]);
    }

    private static void Stop(PosixSignalContext context)
    {
        Console.Error.WriteLine($"GitOpsFleet.Bench: {context.Signal}: stopping its child processes and exiting");
        ChildProcess.KillAll();
        Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
    }
}
