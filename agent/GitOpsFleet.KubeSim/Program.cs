using GitOpsFleet.KubeSim;

return await StandaloneProgram.RunAsync(args);
