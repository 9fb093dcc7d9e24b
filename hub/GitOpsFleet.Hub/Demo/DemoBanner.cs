namespace GitOpsFleet.Hub.Demo;

/// <summary>Tells the person who started the demo where everything is and what to try next.</summary>
internal static class DemoBanner
{
    public static void Write(TextWriter output, HubHost hub, string demoDirectory, string repositoryPath, IReadOnlyList<(string Name, string Path)> kubeconfigs, string? trustFile)
    {
        var tokenFile = Path.Combine(demoDirectory, "admin-token");
        output.WriteLine();
        output.WriteLine("GitOpsFleet demo is running.");
        output.WriteLine($"  HTTP (JSON API /api/v1, webhooks):    {hub.HttpAddress}");
        output.WriteLine($"  gRPC (agents, fleet CLI):              {hub.GrpcAddress}");
        output.WriteLine($"  Admin token:                          {File.ReadAllText(tokenFile).Trim()}  (also in {tokenFile})");
        output.WriteLine($"  Git repository of the demo app:       {repositoryPath}");
        output.WriteLine("  Simulated clusters (kubectl works against them):");
        foreach (var (name, path) in kubeconfigs)
        {
            output.WriteLine($"    {name,-8} KUBECONFIG={path}");
        }
        output.WriteLine();
        output.WriteLine("Try, in another terminal from the repository root:");
        // A TLS hub: the CLI trusts the hub's own certificate as the demo agents do.
        var caFile = trustFile is null ? "" : $" FLEET_CA_FILE={trustFile}";
        output.WriteLine($"  export FLEET_HUB={hub.GrpcAddress} FLEET_TOKEN=$(cat {tokenFile}){caFile}");
        output.WriteLine("  dotnet run --project hub/GitOpsFleet.Cli -- cluster list");
        output.WriteLine("  dotnet run --project hub/GitOpsFleet.Cli -- app get guestbook");
        output.WriteLine("  dotnet run --project hub/GitOpsFleet.Cli -- app wait guestbook --timeout 2m");
        output.WriteLine($"  KUBECONFIG={kubeconfigs[0].Path} kubectl get deploy,svc,cm -n guestbook");
        output.WriteLine($"  cd {repositoryPath} && sed -i 's/replicas: 2/replicas: 3/' deployment.yaml && git commit -am 'Scale up'");
        output.WriteLine("Press Ctrl-C to stop.");
        output.WriteLine();
    }
}
