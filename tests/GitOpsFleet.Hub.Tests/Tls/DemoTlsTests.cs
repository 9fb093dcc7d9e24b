using GitOpsFleet.Hub.Demo;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;
using GitOpsFleet.Tests.Tls;

namespace GitOpsFleet.Hub.Tests.Tls;

/// <summary>--demo on a hub that serves TLS: its in-process agents and its own client trust the hub's certificate.</summary>
public sealed class DemoTlsTests
{
    [Fact]
    public async Task DemoFleet_TlsHub_DemoClustersConnect()
    {
        using var certificates = TestCertificates.Create();
        HubOptions options = null!;
        await using var hub = await TestHub.StartAsync(realSources: true, configure: o =>
        {
            o.TlsCertificatePath = certificates.CertificateFile;
            o.TlsKeyPath = certificates.KeyFile;
            // Where Program.cs puts it for --demo; the demo reads the admin token there on a restart.
            o.AdminTokenFile = Path.Combine(o.DataDirectory, "demo", "admin-token");
            options = o;
        }, handler: HubTlsTests.TrustingHandler(certificates.CaFile));
        using var banner = new StringWriter();

        await using (await DemoFleet.StartAsync(hub.Host, options, banner, CancellationToken.None))
        {
            var clusters = await Eventually.UntilAsync(
                async () => (await hub.Fleet.ListClustersAsync(new ListClustersRequest())).Clusters,
                list => list.Count(c => c.Connected) == 3,
                "the three demo clusters to connect over TLS",
                TimeSpan.FromSeconds(60));

            Assert.Equal(["dev", "prod", "staging"], clusters.Select(c => c.Name).Order());
            Assert.Equal("https", hub.Host.GrpcAddress.Scheme);
            Assert.Contains($"FLEET_CA_FILE={Path.GetFullPath(certificates.CertificateFile)}", banner.ToString());
        }
    }
}
