using System.Text;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Tests.Tls;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using Xunit;

namespace GitOpsFleet.EndToEnd.Tests;

/// <summary>
/// A hub serving TLS with a private CA and real agents trusting it with --ca-file; credential rotation
/// end to end: delivered on the live stream or on the next connect, stored in the agent's Secret, used on
/// reconnect, and the old credential refused afterwards.
/// </summary>
public sealed class TlsAndCredentialRotationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, Dictionary<string, string>> OneCluster = new() { ["tls-east"] = new() { ["env"] = "test" } };

    [Fact]
    public async Task Agent_WithCaFile_ConnectsOverTls_AndRotationIsUsedOnReconnect()
    {
        using var certificates = TestCertificates.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var bed = await FleetTestBed.StartAsync(OneCluster, certificates, cts.Token);
        Assert.Equal("https", bed.Hub.GrpcAddress.Scheme);
        await WaitConnectedAsync(bed, "tls-east", connected: true);
        var oldCredential = await StoredCredentialAsync(bed.Clusters["tls-east"]);

        await bed.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "tls-east" }, bed.Auth);

        var rotated = await Eventually.UntilAsync(() => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "tls-east" }, bed.Auth).ResponseAsync,
            c => !c.CredentialRotationPending && c.CredentialRotatedUnixMs > 0, Timeout, "the agent to acknowledge the new credential");
        Assert.True(rotated.Connected);
        var newCredential = await StoredCredentialAsync(bed.Clusters["tls-east"]);
        Assert.NotEqual(oldCredential, newCredential);
        Assert.Equal(StatusCode.Unauthenticated, await ConnectStatusAsync(bed, oldCredential));

        // A reconnect uses the stored new credential: with the old one it could not get back in.
        await bed.StopAgentAsync("tls-east");
        await WaitConnectedAsync(bed, "tls-east", connected: false);
        bed.StartAgent("tls-east");
        await WaitConnectedAsync(bed, "tls-east", connected: true);
        Assert.Equal(newCredential, await StoredCredentialAsync(bed.Clusters["tls-east"]));
    }

    [Fact]
    public async Task Rotate_WhileAgentDisconnected_DeliveredOnReconnect_OldRefusedAfterwards()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var bed = await FleetTestBed.StartAsync(OneCluster, cts.Token);
        await WaitConnectedAsync(bed, "tls-east", connected: true);
        var oldCredential = await StoredCredentialAsync(bed.Clusters["tls-east"]);
        await bed.StopAgentAsync("tls-east");
        await WaitConnectedAsync(bed, "tls-east", connected: false);

        var pending = await bed.Fleet.RotateClusterCredentialAsync(new RotateClusterCredentialRequest { Name = "tls-east" }, bed.Auth);
        Assert.True(pending.CredentialRotationPending);

        bed.StartAgent("tls-east");
        await Eventually.UntilAsync(() => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = "tls-east" }, bed.Auth).ResponseAsync,
            c => c.Connected && !c.CredentialRotationPending && c.CredentialRotatedUnixMs > 0, Timeout, "the rotation to reach the reconnected agent");
        var newCredential = await StoredCredentialAsync(bed.Clusters["tls-east"]);
        Assert.NotEqual(oldCredential, newCredential);
        Assert.Equal(StatusCode.Unauthenticated, await ConnectStatusAsync(bed, oldCredential));
    }

    [Fact]
    public async Task CreateJoinToken_TlsHub_ManifestsMountTheHubCaAndApply()
    {
        using var certificates = TestCertificates.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var bed = await FleetTestBed.StartAsync(new Dictionary<string, Dictionary<string, string>>(), certificates, cts.Token);
        var token = await bed.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest(), bed.Auth, cancellationToken: cts.Token);
        var cluster = await bed.Simulator.AddClusterAsync("tls-joiner", cts.Token);
        var dir = Directory.CreateTempSubdirectory("gitopsfleet-join-tls-").FullName;
        try
        {
            Assert.Contains("--ca-file HUB_CA.pem", token.AgentCommand);
            Assert.Contains("https://", token.AgentCommand);
            var file = Path.Combine(dir, "agent.yaml");
            await File.WriteAllTextAsync(file, token.AgentManifests.Replace("\"CLUSTER_NAME\"", "\"tls-joiner\""), cts.Token);
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));

            var apply = await JoinManifestsTests.KubectlAsync(dir, kubeconfig, cts.Token, "apply", "--server-side", "-f", file);

            Assert.True(apply.ExitCode == 0, apply.Stderr);
            var spec = await JoinManifestsTests.KubectlAsync(dir, kubeconfig, cts.Token, "get", "deployment", "gitopsfleet-agent", "-n", "gitopsfleet-system",
                "-o", "jsonpath={.spec.template.spec.containers[0].args} {.spec.template.spec.volumes[0].configMap.name} {.spec.template.spec.containers[0].volumeMounts[0].mountPath}");
            Assert.Contains($"\"--hub\",\"https://{bed.Hub.GrpcAddress.Authority}\"", spec.Stdout);
            Assert.Contains("\"--ca-file\",\"/etc/gitopsfleet/hub-ca/ca.crt\"", spec.Stdout);
            Assert.EndsWith(" gitopsfleet-hub-ca /etc/gitopsfleet/hub-ca", spec.Stdout.Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task WaitConnectedAsync(FleetTestBed bed, string cluster, bool connected) =>
        Eventually.UntilAsync(() => bed.Fleet.GetClusterAsync(new GetClusterRequest { Name = cluster }, bed.Auth).ResponseAsync,
            c => c.Connected == connected, Timeout, $"cluster {cluster} connected={connected}");

    /// <summary>The credential the agent keeps in Secret gitopsfleet-system/gitopsfleet-agent.</summary>
    private static async Task<string> StoredCredentialAsync(IKubernetes cluster)
    {
        var secret = await cluster.CoreV1.ReadNamespacedSecretAsync("gitopsfleet-agent", "gitopsfleet-system");
        return Encoding.UTF8.GetString(secret.Data["credential"]);
    }

    /// <summary>How the hub answers a raw Connect with <paramref name="credential"/> (OK when it welcomes it).</summary>
    private static async Task<StatusCode> ConnectStatusAsync(FleetTestBed bed, string credential)
    {
        using var channel = GrpcChannel.ForAddress(bed.Hub.GrpcAddress, new GrpcChannelOptions { HttpHandler = bed.CreateHandler() });
        using var call = new AgentService.AgentServiceClient(channel).Connect(new Metadata { { "authorization", $"Bearer {credential}" } });
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { ClusterName = "tls-east", ProtocolVersion = 1 } });
            return await call.ResponseStream.MoveNext(CancellationToken.None) ? StatusCode.OK : call.GetStatus().StatusCode;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
