using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Agent;

/// <summary>
/// The command line of gitopsfleet-agent: parse flags, build the Kubernetes client, run until Ctrl+C.
/// --simulate lives in AgentProgram.Simulate.cs, which the lean (Native AOT) build swaps for AgentProgram.Lean.cs;
/// the Kubernetes connection comes from KubernetesClient (AgentProgram.KubernetesClient.cs) in the regular build
/// and from GitOpsFleet.Kube's own KubeConnectionLoader (AgentProgram.Lean.cs) in the lean one.
/// </summary>
internal static partial class AgentProgram
{
    private const string Usage = """
        usage: gitopsfleet-agent --hub URL --cluster-name NAME [--join-token TOKEN] [--label k=v ...]
                                 [--simulate | --kubeconfig PATH] [--namespace NS] [--ca-file PATH]
          --hub URL            hub gRPC address, e.g. http://localhost:8081
          --join-token TOKEN   from `fleet cluster join-token create` (only needed until the credential is stored)
          --cluster-name NAME  name of this cluster in the fleet
          --label k=v          cluster label sent at registration (repeatable)
          --simulate           run against an in-process simulated cluster
          --kubeconfig PATH    use this kubeconfig instead of the in-cluster service account
          --namespace NS       namespace for the agent's state (default gitopsfleet-system)
          --ca-file PATH       PEM CA that signed the hub's certificate (https:// hubs with a private CA)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        AgentOptions options;
        try
        {
            options = Parse(args);
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message + Environment.NewLine + Environment.NewLine + Usage);
            return 2;
        }
        using var cts = new CancellationTokenSource();
        // Ctrl+C and SIGTERM (kubelet stopping the pod) both end the agent cleanly.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));

        Timer? memoryTrim = null;
        StartMemoryTrim(ref memoryTrim);
        using var trim = memoryTrim;
        IAsyncDisposable? simulator = null;
        try
        {
            var kubeconfig = options.KubeconfigPath;
            if (options.Simulate)
            {
                (simulator, kubeconfig) = await StartSimulatorAsync(options.ClusterName, cts.Token);
            }
            using var connection = Connect(kubeconfig);
            await new AgentRunner(options, connection, loggerFactory).RunAsync(cts.Token);
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
        finally
        {
            if (simulator is not null)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    internal static AgentOptions Parse(string[] args)
    {
        var options = new AgentOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{arg} needs a value");
                }
                return args[++i];
            }
            switch (arg)
            {
                case "--hub": options.HubUrl = Value(); break;
                case "--join-token": options.JoinToken = Value(); break;
                case "--cluster-name": options.ClusterName = Value(); break;
                case "--namespace": options.Namespace = Value(); break;
                case "--kubeconfig": options.KubeconfigPath = Value(); break;
                case "--ca-file": options.CaFile = Value(); break;
                case "--simulate": options.Simulate = true; break;
                case "--label":
                    var label = Value();
                    var eq = label.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--label wants key=value; got '{label}'");
                    }
                    options.Labels[label[..eq]] = label[(eq + 1)..];
                    break;
                case "-h" or "--help":
                    throw new ArgumentException("help requested");
                default:
                    throw new ArgumentException($"unknown flag '{arg}'");
            }
        }
        return options;
    }

    /// <summary>Starts an in-process simulated cluster; returns it (to dispose at exit) and its kubeconfig path.</summary>
    private static partial Task<(IAsyncDisposable Simulator, string KubeconfigPath)> StartSimulatorAsync(string clusterName, CancellationToken cancellationToken);

    /// <summary>Lean build only (AgentProgram.Lean.cs): gives the GC heap back after bursts of work; the call is compiled out elsewhere.</summary>
    static partial void StartMemoryTrim(ref Timer? timer);

    /// <summary>The connection to the cluster of a kubeconfig, or the in-cluster service account when null; configuration errors are InvalidOperationException.</summary>
    private static partial GitOpsFleet.Kube.Rest.KubeConnection Connect(string? kubeconfigPath);
}
