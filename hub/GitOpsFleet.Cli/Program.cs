using GitOpsFleet.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the command stop cleanly and print what it knows
    cancel.Cancel();
};
return await FleetCli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
