using GitOpsFleet.Hub;
using GitOpsFleet.Hub.Demo;

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
if (options.Demo)
{
    options.AdminTokenFile ??= Path.Combine(options.DataDirectory, "demo", "admin-token");
}

await using var hub = await HubHost.StartAsync(options, CancellationToken.None);
Console.WriteLine($"GitOpsFleet hub ready: HTTP {hub.HttpAddress} · gRPC {hub.GrpcAddress} · data {Path.GetFullPath(options.DataDirectory)}");
await using var demo = options.Demo ? await DemoFleet.StartAsync(hub, options, Console.Out, CancellationToken.None) : null;
await hub.WaitForShutdownAsync(CancellationToken.None);
return 0;
