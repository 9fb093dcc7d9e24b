using System.CommandLine;
using GitOpsFleet.Cli.Infrastructure;
using GitOpsFleet.Cli.Output;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Cli.Commands;

/// <summary><c>fleet cluster ...</c>: join tokens and registered clusters.</summary>
internal static class ClusterCommands
{
    public static Command Build(CliApp app)
    {
        var cluster = new Command("cluster", "Registered clusters and the join tokens that register them");
        cluster.Subcommands.Add(JoinToken(app));
        cluster.Subcommands.Add(List(app));
        cluster.Subcommands.Add(Get(app));
        cluster.Subcommands.Add(Remove(app));
        cluster.Subcommands.Add(Approve(app));
        cluster.Subcommands.Add(RotateCredential(app));
        return cluster;
    }

    private static Command JoinToken(CliApp app)
    {
        var joinToken = new Command("join-token", "Tokens an agent presents once to register its cluster");

        var ttl = new Option<string>("--ttl") { Description = "How long the token stays valid (e.g. 30m, 1h, 7d)", DefaultValueFactory = _ => "1h" };
        var reusable = new Option<bool>("--reusable") { Description = "Let many clusters join with this token" };
        var labels = new Option<string[]>("--label", "-l") { Description = "Label for clusters that join with it (k=v, repeatable)", AllowMultipleArgumentsPerToken = false };
        var manifests = new Option<bool>("--manifests") { Description = "Print only the Kubernetes manifests that deploy the agent (pipe to kubectl apply -f -)" };
        var requireApproval = new Option<bool>("--require-approval") { Description = "Clusters that join with it receive nothing until 'fleet cluster approve NAME'" };
        var clusterName = new Option<string?>("--cluster-name") { Description = "The joining cluster's name (a DNS label), filled into the agent command and manifests; without it they hold a CLUSTER_NAME placeholder" };
        var create = new Command("create", "Create a join token and print the agent command that uses it") { ttl, reusable, labels, manifests, requireApproval, clusterName };
        app.WithAction(create, async (ctx, parse, ct) =>
        {
            var request = new CreateJoinTokenRequest
            {
                TtlSeconds = (int)Math.Min(int.MaxValue, Parse.Duration(parse.GetValue(ttl)!, "--ttl").TotalSeconds),
                Reusable = parse.GetValue(reusable),
                RequireApproval = parse.GetValue(requireApproval),
                ClusterName = parse.GetValue(clusterName) is { } name ? Parse.DnsLabel(name, "--cluster-name") : "",
            };
            request.Labels.Add(Parse.Labels(parse.GetValue(labels), "--label"));
            var token = await ctx.Client.CreateJoinTokenAsync(request, ctx.Call(ct));
            if (parse.GetValue(manifests))
            {
                // Plain YAML on stdout, nothing else, so it pipes straight into kubectl.
                ctx.Stdout.Write(token.AgentManifests);
                return ExitCodes.Success;
            }
            ctx.Printer.Print(token, w =>
            {
                w.WriteLine($"Token:    {token.Token}");
                w.WriteLine($"Expires:  {Display.Time(token.ExpiresUnixMs)} ({Display.Age(token.ExpiresUnixMs)})");
                w.WriteLine($"Reusable: {(token.Reusable ? "yes" : "no")}");
                if (token.Labels.Count > 0) w.WriteLine($"Labels:   {Display.Labels(token.Labels)}");
                w.WriteLine();
                w.WriteLine("Start an agent with:");
                w.WriteLine("  " + token.AgentCommand);
            });
            return ExitCodes.Success;
        });

        var list = new Command("list", "List join tokens (secrets are never shown again)");
        app.WithAction(list, async (ctx, _, ct) =>
        {
            var response = await ctx.Client.ListJoinTokensAsync(new ListJoinTokensRequest(), ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("ID", "REUSABLE", "USES", "EXPIRES", "REVOKED", "LABELS");
                foreach (var t in response.Tokens)
                    table.Row(t.Id, t.Reusable ? "yes" : "no", t.Uses, Display.Age(t.ExpiresUnixMs), t.Revoked ? "yes" : "no", Display.Labels(t.Labels));
                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });

        var id = new Argument<string>("ID") { Description = "Join token id (from 'fleet cluster join-token list')" };
        var revoke = new Command("revoke", "Revoke a join token so no more clusters can join with it") { id };
        app.WithAction(revoke, async (ctx, parse, ct) =>
        {
            var tokenId = parse.GetValue(id)!;
            await ctx.Client.RevokeJoinTokenAsync(new RevokeJoinTokenRequest { Id = tokenId }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"join token {tokenId} revoked");
            return ExitCodes.Success;
        });

        joinToken.Subcommands.Add(create);
        joinToken.Subcommands.Add(list);
        joinToken.Subcommands.Add(revoke);
        return joinToken;
    }

    private static Command List(CliApp app)
    {
        var selector = new Option<string[]>("--selector", "-l") { Description = "Only clusters with these labels (k=v, repeatable)" };
        var list = new Command("list", "List clusters") { selector };
        return app.WithAction(list, async (ctx, parse, ct) =>
        {
            var labels = Parse.Labels(parse.GetValue(selector), "--selector");
            var request = new ListClustersRequest { Selector = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")) };
            var response = await ctx.Client.ListClustersAsync(request, ctx.Call(ct));
            ctx.Printer.Print(response, w =>
            {
                var table = new TableWriter("NAME", "CONNECTED", "LABELS", "AGENT", "KUBERNETES", "LAST SEEN", "APPS");
                foreach (var c in response.Clusters)
                    table.Row(c.Name, (c.Connected ? "yes" : "no") + (c.PendingApproval ? " (pending approval)" : "") + (c.CredentialRotationPending ? " (rotation pending)" : c.CredentialRevoked ? " (credential revoked)" : ""), Display.Labels(c.Labels), c.AgentVersion, c.KubernetesVersion, Display.Age(c.LastSeenUnixMs), c.Applications.Count);
                table.WriteTo(w);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Get(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Cluster name" };
        var get = new Command("get", "Show one cluster") { name };
        return app.WithAction(get, async (ctx, parse, ct) =>
        {
            var c = await ctx.Client.GetClusterAsync(new GetClusterRequest { Name = parse.GetValue(name) }, ctx.Call(ct));
            ctx.Printer.Print(c, w =>
            {
                w.WriteLine($"Name:         {c.Name}");
                w.WriteLine($"Connected:    {(c.Connected ? "yes" : "no")}");
                if (c.PendingApproval) w.WriteLine($"Approval:     pending (fleet cluster approve {c.Name})");
                w.WriteLine($"Labels:       {Display.Labels(c.Labels)}");
                w.WriteLine($"Agent:        {(c.AgentVersion.Length == 0 ? "-" : c.AgentVersion)}");
                w.WriteLine($"Kubernetes:   {(c.KubernetesVersion.Length == 0 ? "-" : c.KubernetesVersion)}");
                w.WriteLine($"Registered:   {Display.Time(c.RegisteredUnixMs)}");
                w.WriteLine($"Last seen:    {Display.Time(c.LastSeenUnixMs)}");
                w.WriteLine($"Credential:   {CredentialState(c)}");
                w.WriteLine($"Applications: {(c.Applications.Count == 0 ? "-" : string.Join(", ", c.Applications))}");
            });
            return ExitCodes.Success;
        });
    }

    private static Command Remove(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Cluster name" };
        var remove = new Command("remove", "Forget a cluster (its agent must register again)") { name };
        return app.WithAction(remove, async (ctx, parse, ct) =>
        {
            var clusterName = parse.GetValue(name)!;
            await ctx.Client.RemoveClusterAsync(new RemoveClusterRequest { Name = clusterName }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"cluster {clusterName} removed");
            return ExitCodes.Success;
        });
    }

    private static Command RotateCredential(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Cluster name" };
        var revokeOldNow = new Option<bool>("--revoke-old-now")
        {
            Description = "Cut the old credential at once (compromised): the agent is disconnected and must join again with a new join token",
        };
        var rotate = new Command("rotate-credential", "Give the cluster's agent a new credential over its stream; the old one works until the agent has stored it") { name, revokeOldNow };
        return app.WithAction(rotate, async (ctx, parse, ct) =>
        {
            var clusterName = parse.GetValue(name)!;
            var c = await ctx.Client.RotateClusterCredentialAsync(
                new RotateClusterCredentialRequest { Name = clusterName, RevokeOldNow = parse.GetValue(revokeOldNow) }, ctx.Call(ct));
            ctx.Printer.Print(c, w => w.WriteLine(c.CredentialRevoked
                ? $"cluster {clusterName}: credential revoked; start its agent with a new join token (fleet cluster join-token create)"
                : c.CredentialRotationPending && c.Connected
                    ? $"cluster {clusterName}: new credential sent to the agent; the old one works until the agent has stored it (fleet cluster get {clusterName})"
                    : c.CredentialRotationPending
                        ? $"cluster {clusterName}: agent offline; the new credential is delivered when it connects, the old one works until then"
                        : $"cluster {clusterName}: credential rotated"));
            return ExitCodes.Success;
        });
    }

    /// <summary>"rotation pending", "revoked ...", "rotated 2m ago" or "not rotated since registration".</summary>
    internal static string CredentialState(Cluster c) =>
        c.CredentialRevoked ? "revoked (the agent needs a new join token)"
        : c.CredentialRotationPending ? "rotation pending (the old credential works until the agent acknowledges)"
        : c.CredentialRotatedUnixMs > 0 ? $"rotated {Display.Age(c.CredentialRotatedUnixMs)} ago"
        : "not rotated since registration";

    private static Command Approve(CliApp app)
    {
        var name = new Argument<string>("NAME") { Description = "Cluster name" };
        var approve = new Command("approve", "Let a cluster that joined with a --require-approval token receive its applications") { name };
        return app.WithAction(approve, async (ctx, parse, ct) =>
        {
            var clusterName = parse.GetValue(name)!;
            await ctx.Client.ApproveClusterAsync(new ApproveClusterRequest { Name = clusterName }, ctx.Call(ct));
            await ctx.Stdout.WriteLineAsync($"cluster {clusterName} approved");
            return ExitCodes.Success;
        });
    }
}
