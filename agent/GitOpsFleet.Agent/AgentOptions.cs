namespace GitOpsFleet.Agent;

/// <summary>Settings of one agent; validate with <see cref="Validate"/> before use.</summary>
public sealed class AgentOptions
{
    /// <summary>Hub gRPC address, e.g. http://hub:8081, or several silos of one hub comma-separated
    /// (http://hub-a:8081,http://hub-b:8081): the agent moves to the next one on reconnect. Required.</summary>
    public string HubUrl { get; set; } = "";

    /// <summary>The addresses in <see cref="HubUrl"/>, in order.</summary>
    public IReadOnlyList<string> HubUrls => HubUrl.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>PEM file of the CA that signed the hub's TLS certificate (https:// hubs with a private CA):
    /// trusted instead of the system roots, chain and host name still checked. Default null: system roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>Join token from `fleet cluster join-token create`; needed only until the credential is stored. Default null.</summary>
    public string? JoinToken { get; set; }

    /// <summary>Name this cluster registers under. Required.</summary>
    public string ClusterName { get; set; } = "";

    /// <summary>Labels sent at registration (env=prod, wave=1). Default empty.</summary>
    public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    /// <summary>Namespace for the agent's own state (credential, inventories, desired bundles). Default "gitopsfleet-system".</summary>
    public string Namespace { get; set; } = "gitopsfleet-system";

    /// <summary>Kubeconfig file; null means in-cluster config (or the simulated cluster with <see cref="Simulate"/>). Default null.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>Run against an in-process simulated cluster. Default false.</summary>
    public bool Simulate { get; set; }

    /// <summary>First reconnect delay cap; doubles per failure. Default 1 s.</summary>
    public TimeSpan ReconnectBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect delay cap. Default 60 s.</summary>
    public TimeSpan ReconnectCap { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a Progressing application is re-assessed at first when no watch event says it changed
    /// (backs off 1.5x to 5 times this). Watch events re-assess within 300 ms, so this poll is only a
    /// fallback. Default 2 s (so at most every 10 s).
    /// </summary>
    public TimeSpan HealthPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws with a how-to-fix message when the options cannot work.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (HubUrls.Count == 0 || HubUrls.Any(url => !Uri.TryCreate(url, UriKind.Absolute, out var hub) || (hub.Scheme != "http" && hub.Scheme != "https")))
        {
            problems.Add($"--hub must be an http:// or https:// URL of the hub's gRPC port (for example http://localhost:8081); got '{HubUrl}'");
        }
        if (string.IsNullOrWhiteSpace(ClusterName) || !IsDnsLabel(ClusterName))
        {
            problems.Add($"--cluster-name must be a DNS label (lowercase letters, digits, '-', at most 63 characters); got '{ClusterName}'");
        }
        if (string.IsNullOrWhiteSpace(Namespace) || !IsDnsLabel(Namespace))
        {
            problems.Add($"--namespace must be a DNS label; got '{Namespace}'");
        }
        if (Simulate && KubeconfigPath is not null)
        {
            problems.Add("--simulate and --kubeconfig exclude each other: pick one");
        }
        if (CaFile is not null && !File.Exists(CaFile))
        {
            problems.Add($"--ca-file '{CaFile}' does not exist; give the PEM file of the CA that signed the hub's certificate");
        }
        if (KubeconfigPath is not null && !File.Exists(KubeconfigPath))
        {
            problems.Add($"--kubeconfig file '{KubeconfigPath}' does not exist");
        }
        if (ReconnectBase <= TimeSpan.Zero || ReconnectCap < ReconnectBase)
        {
            problems.Add("ReconnectBase must be positive and ReconnectCap at least ReconnectBase");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        }
    }

    private static bool IsDnsLabel(string value)
        => value.Length <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && value[0] != '-' && value[^1] != '-';
}
