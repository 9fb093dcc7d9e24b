using GitOpsFleet.Hub;

HubOptions options;
try
{
    options = HubCommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"gitopsfleet-hub: {ex.Message}");
    return 2;
}

await using var hub = await HubHost.StartAsync(options, CancellationToken.None);
Console.WriteLine($"GitOpsFleet hub ready: HTTP {hub.HttpAddress} · gRPC {hub.GrpcAddress} · data {Path.GetFullPath(options.DataDirectory)}");
await hub.WaitForShutdownAsync(CancellationToken.None);
return 0;
