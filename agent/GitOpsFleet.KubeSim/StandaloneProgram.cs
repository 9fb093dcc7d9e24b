using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.KubeSim;

/// <summary>
/// The standalone program: serves one cluster, writes its kubeconfig and serves until Ctrl-C.
/// Usage: --port 6443 --kubeconfig PATH [--name NAME] [--controller-delay 1s]
/// </summary>
public static class StandaloneProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new SimulatedClusterHostOptions { Port = 6443 };
        var kubeconfig = Path.Combine(Environment.CurrentDirectory, "kubesim.kubeconfig");
        var name = "kubesim";
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--port": options.Port = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                    case "--kubeconfig": kubeconfig = value; i++; break;
                    case "--name": name = value; i++; break;
                    case "--controller-delay": options.ControllerDelay = ParseDuration(value); i++; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync($"kubesim: {e.Message}\nusage: --port 6443 --kubeconfig PATH [--name NAME] [--controller-delay 1s]");
            return 2;
        }
        using var stop = new CancellationTokenSource();
        // Ctrl-C and SIGTERM both end the program cleanly.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        options.LoggerFactory = loggerFactory;
        await using var host = await SimulatedClusterHost.StartAsync(options, CancellationToken.None);
        var cluster = await host.AddClusterAsync(name, CancellationToken.None);
        var path = cluster.WriteKubeconfig(kubeconfig);
        Console.WriteLine($"kubesim: cluster \"{name}\" serving at {cluster.Server}");
        Console.WriteLine($"kubesim: kubeconfig written to {path}  (KUBECONFIG={path} kubectl get ns)");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C.
        }
        return 0;
    }

    /// <summary>Parses "1s", "500ms", "2m" or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        if (text.EndsWith("ms", StringComparison.Ordinal))
        {
            return TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture));
        }
        if (text.EndsWith('s'))
        {
            return TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture));
        }
        if (text.EndsWith('m'))
        {
            return TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture));
        }
        return TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));
    }
}
