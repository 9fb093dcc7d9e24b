using GitOpsFleet.Bench;

return await BenchProgram.RunAsync(args);
