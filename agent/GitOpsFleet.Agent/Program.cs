using GitOpsFleet.Agent;

// gitopsfleet-agent --hub URL --join-token T --cluster-name NAME [--label k=v ...] [--simulate | --kubeconfig PATH] [--namespace NS]
return await AgentProgram.RunAsync(args);
