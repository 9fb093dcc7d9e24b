using System.Diagnostics;
using GitOpsFleet.Protos.Fleet;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>The agent manifests a join token comes with apply cleanly with the real kubectl to a simulated cluster.</summary>
public sealed class JoinManifestsTests
{
    [Fact]
    public async Task CreateJoinToken_AgentManifests_ApplyServerSideAndCreateEveryObject()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var bed = await FleetTestBed.StartAsync(new Dictionary<string, Dictionary<string, string>>(), timeout.Token);
        var token = await bed.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest(), bed.Auth, cancellationToken: timeout.Token);
        var cluster = await bed.Simulator.AddClusterAsync("joiner", timeout.Token);
        var dir = Directory.CreateTempSubdirectory("gitopsfleet-join-").FullName;
        try
        {
            var file = Path.Combine(dir, "agent.yaml");
            await File.WriteAllTextAsync(file, token.AgentManifests.Replace("\"CLUSTER_NAME\"", "\"joiner\""), timeout.Token);
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));

            var apply = await KubectlAsync(dir, kubeconfig, timeout.Token, "apply", "--server-side", "-f", file);

            Assert.True(apply.ExitCode == 0, apply.Stderr);
            foreach (var kind in new[] { "namespace", "clusterrole", "clusterrolebinding" })
            {
                var get = await KubectlAsync(dir, kubeconfig, timeout.Token, "get", kind, kind == "namespace" ? "gitopsfleet-system" : "gitopsfleet-agent", "-o", "name");
                Assert.True(get.ExitCode == 0, $"{kind}: {get.Stderr}");
            }
            foreach (var (kind, name) in new[] { ("serviceaccount", "gitopsfleet-agent"), ("role", "gitopsfleet-agent-state"), ("rolebinding", "gitopsfleet-agent-state"), ("deployment", "gitopsfleet-agent") })
            {
                var get = await KubectlAsync(dir, kubeconfig, timeout.Token, "get", kind, name, "-n", "gitopsfleet-system", "-o", "name");
                Assert.True(get.ExitCode == 0, $"{kind}/{name}: {get.Stderr}");
            }
            var secret = await KubectlAsync(dir, kubeconfig, timeout.Token, "get", "secret", "gitopsfleet-join-token", "-n", "gitopsfleet-system", "-o", "jsonpath={.data.token}");
            Assert.Equal(token.Token, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret.Stdout)));
            var args = await KubectlAsync(dir, kubeconfig, timeout.Token, "get", "deployment", "gitopsfleet-agent", "-n", "gitopsfleet-system", "-o", "jsonpath={.spec.template.spec.containers[0].args}");
            Assert.Contains(bed.Hub.GrpcAddress.Authority, args.Stdout);
            Assert.Contains("\"--cluster-name\",\"joiner\"", args.Stdout);
            var tokenRef = await KubectlAsync(dir, kubeconfig, timeout.Token, "get", "deployment", "gitopsfleet-agent", "-n", "gitopsfleet-system", "-o", "jsonpath={.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name}");
            Assert.Equal("gitopsfleet-join-token", tokenRef.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> KubectlAsync(string dir, string kubeconfig, CancellationToken cancellationToken, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        // A cache per test: parallel kubectl runs must not share discovery files.
        psi.Environment["KUBECACHEDIR"] = Path.Combine(dir, "cache");
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
