using System.Text;
using k8s;
using GitOpsFleet.Protos.Agent;

namespace GitOpsFleet.Agent.Tests;

/// <summary>The agent's side of credential rotation: store in the Secret, acknowledge, reconnect with the new credential.</summary>
public sealed class CredentialRotationTests(SimulatedClusterFixture sim) : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RotateCredential_StoresThenAcknowledges_AndReconnectsWithTheNewOne()
    {
        await using var h = await AgentHarness.StartAsync(sim);
        h.StartAgent();
        await h.Hub.WaitForAsync(hub => hub.Hellos.FirstOrDefault(), Timeout, "Hello");
        const string rotated = "cred-rotated";
        h.Hub.RotatedCredential = rotated;

        h.Hub.Send(new HubMessage { RotateCredential = new CredentialRotation { RotationId = "r-1", Credential = rotated } });

        var ack = await h.Hub.WaitForAsync(hub => hub.Received.FirstOrDefault(m => m.BodyCase == AgentMessage.BodyOneofCase.CredentialAck), Timeout, "the acknowledgement");
        Assert.Equal("r-1", ack.CredentialAck.RotationId);
        // Acknowledged only once stored: the Secret already holds the new credential.
        var secret = await h.Client.CoreV1.ReadNamespacedSecretAsync("gitopsfleet-agent", "gitopsfleet-system");
        Assert.Equal(rotated, Encoding.UTF8.GetString(secret.Data["credential"]));

        h.Hub.DropStream();
        await h.Hub.WaitForAsync(hub => hub.Hellos.Count >= 2 ? hub.Hellos[1] : null, Timeout, "the reconnect");
        Assert.Equal([h.Hub.Credential, rotated], h.Hub.ConnectCredentials.Take(2));
        Assert.Single(h.Hub.Registrations);
    }

    [Fact]
    public void Parse_CaFile_IsReadAndMustExist()
    {
        var options = AgentProgram.Parse(["--hub", "https://hub:8081", "--cluster-name", "c1", "--ca-file", "/nope/ca.pem"]);

        Assert.Equal("/nope/ca.pem", options.CaFile);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("--ca-file '/nope/ca.pem' does not exist", error.Message);
    }
}
