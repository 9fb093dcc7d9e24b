using System.Diagnostics;
using System.Text;

namespace GitOpsFleet.KubeSim.Tests;

/// <summary>The real kubectl 1.32 against simulated clusters, one cluster per test.</summary>
[Collection(HostCollection.Name)]
public sealed class KubectlTests(HostFixture fixture)
{
    private static string Guestbook => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "guestbook.yaml"));

    [Fact]
    public async Task ApplyServerSide_MultiDocumentFile_CreatesEveryObject()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("apply"));
        var file = kubectl.WriteFile("app.yaml", Guestbook);

        var (code, stdout, stderr) = await kubectl.RunAsync("apply", "--server-side", "-f", file);

        Assert.True(code == 0, stderr);
        Assert.Contains("namespace/demo serverside-applied", stdout);
        Assert.Contains("configmap/cfg serverside-applied", stdout);
        Assert.Contains("deployment.apps/web serverside-applied", stdout);
        Assert.Contains("service/web serverside-applied", stdout);
        var get = await kubectl.RunAsync("get", "configmap", "cfg", "-n", "demo", "-o", "jsonpath={.data.a}");
        Assert.Equal("1", get.Stdout);
    }

    [Fact]
    public async Task ApplyServerSide_Unchanged_KeepsResourceVersions()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("reapply"));
        var file = kubectl.WriteFile("app.yaml", Guestbook);
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", file)).ExitCode);
        // Controllers write status after a delay: wait until the Deployment settles before sampling versions.
        await Eventually.UntilAsync(() => kubectl.RunAsync("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.status.availableReplicas}"),
            r => r.Stdout == "2", TimeSpan.FromSeconds(20), "web to become available");
        var before = await ResourceVersionsAsync(kubectl);

        var (code, _, stderr) = await kubectl.RunAsync("apply", "--server-side", "-f", file);

        Assert.True(code == 0, stderr);
        Assert.Equal(before, await ResourceVersionsAsync(kubectl));
    }

    [Fact]
    public async Task ApplyServerSide_FieldRemovedFromFile_RemovesFieldFromObject()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("prune-field"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);

        var (code, _, stderr) = await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("b.yaml", Guestbook.Replace("  b: \"2\"\n", "")));

        Assert.True(code == 0, stderr);
        var data = await kubectl.RunAsync("get", "configmap", "cfg", "-n", "demo", "-o", "jsonpath={.data}");
        Assert.Equal("{\"a\":\"1\"}", data.Stdout);
    }

    [Fact]
    public async Task ApplyServerSide_SecondManagerConflicts_FailsWithoutForceAndWinsWithForce()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("conflict"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);
        var other = kubectl.WriteFile("other.yaml", Guestbook.Replace("replicas: 2", "replicas: 5"));

        var refused = await kubectl.RunAsync("apply", "--server-side", "--field-manager", "other-team", "-f", other);
        var forced = await kubectl.RunAsync("apply", "--server-side", "--field-manager", "other-team", "--force-conflicts", "-f", other);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("conflict with \"kubectl\"", refused.Stderr);
        Assert.Contains(".spec.replicas", refused.Stderr);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        var replicas = await kubectl.RunAsync("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.spec.replicas}");
        Assert.Equal("5", replicas.Stdout);
    }

    [Fact]
    public async Task DiffServerSide_PendingChangeThenEqual_ExitsOneThenZero()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("diff"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);
        var changed = kubectl.WriteFile("b.yaml", Guestbook.Replace("a: \"1\"", "a: \"changed\""));

        var pending = await kubectl.RunAsync("diff", "--server-side", "-f", changed);
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", changed)).ExitCode);
        var equal = await kubectl.RunAsync("diff", "--server-side", "-f", changed);

        Assert.True(pending.ExitCode == 1, pending.Stderr);
        Assert.Contains("+  a: changed", pending.Stdout);
        Assert.True(equal.ExitCode == 0, equal.Stdout + equal.Stderr);
        Assert.Equal("", equal.Stdout);
    }

    [Fact]
    public async Task GetWatch_ObjectCreatedAfterStart_PrintsIt()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("watch"));
        var existing = kubectl.WriteFile("existing.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: existing, namespace: default}\n");
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", existing)).ExitCode);
        using var watch = kubectl.Start("get", "configmaps", "-n", "default", "-w", "--output-watch-events");
        var output = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (output) output.AppendLine(line);
            }
        });
        try
        {
            // kubectl prints the existing object once its list returned: from then on the watch is open.
            await Eventually.UntilAsync(() => Task.FromResult(Snapshot()), s => s.Contains("existing"), TimeSpan.FromSeconds(20), "the watch to start");
            var file = kubectl.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seen-by-watch, namespace: default}\ndata: {k: v}\n");
            Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", file)).ExitCode);

            var text = await Eventually.UntilAsync(() => Task.FromResult(Snapshot()), s => s.Contains("seen-by-watch"), TimeSpan.FromSeconds(20), "the watch to print the new ConfigMap");

            Assert.Contains("ADDED", text);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }

        string Snapshot()
        {
            lock (output) return output.ToString();
        }
    }

    [Fact]
    public async Task DeleteNamespace_WithObjects_RemovesThemAndTheNamespace()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("delns"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);
        await Eventually.UntilAsync(() => kubectl.RunAsync("get", "pods", "-n", "demo", "-o", "name"), r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 2, TimeSpan.FromSeconds(20), "two pods");

        var (code, _, stderr) = await kubectl.RunAsync("delete", "namespace", "demo", "--timeout=30s");

        Assert.True(code == 0, stderr);
        var ns = await kubectl.RunAsync("get", "namespace", "demo");
        Assert.NotEqual(0, ns.ExitCode);
        Assert.Contains("NotFound", ns.Stderr);
        var everything = await kubectl.RunAsync("get", "configmaps,deployments,replicasets,pods,services", "-n", "demo", "-o", "name");
        Assert.Equal("", everything.Stdout.Trim());
    }

    [Fact]
    public async Task ApiResources_BuiltInKinds_AreListed()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("discovery"));

        var (code, stdout, stderr) = await kubectl.RunAsync("api-resources");

        Assert.True(code == 0, stderr);
        foreach (var kind in new[] { "Deployment", "StatefulSet", "CustomResourceDefinition", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Lease", "ClusterRoleBinding", "NetworkPolicy", "CronJob" })
        {
            Assert.Contains(kind, stdout);
        }
    }

    [Fact]
    public async Task LabelAndPatch_ExistingObject_ChangeIt()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("label"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);

        var label = await kubectl.RunAsync("label", "configmap", "cfg", "-n", "demo", "team=blue");
        var patch = await kubectl.RunAsync("patch", "deployment", "web", "-n", "demo", "-p", "{\"spec\":{\"replicas\":3}}");

        Assert.True(label.ExitCode == 0, label.Stderr);
        Assert.True(patch.ExitCode == 0, patch.Stderr);
        Assert.Equal("blue", (await kubectl.RunAsync("get", "cm", "cfg", "-n", "demo", "-o", "jsonpath={.metadata.labels.team}")).Stdout);
        Assert.Equal("3 2", (await kubectl.RunAsync("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.spec.replicas} {.metadata.generation}")).Stdout);
    }

    [Fact]
    public async Task CreateGenerators_NamespaceConfigMapSecret_SentAsProtobufAndStored()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("create"));

        var ns = await kubectl.RunAsync("create", "namespace", "team-a");
        var cm = await kubectl.RunAsync("create", "configmap", "settings", "-n", "team-a", "--from-literal=mode=fast");
        var secret = await kubectl.RunAsync("create", "secret", "generic", "creds", "-n", "team-a", "--from-literal=password=s3cret");

        Assert.True(ns.ExitCode == 0, ns.Stderr);
        Assert.True(cm.ExitCode == 0, cm.Stderr);
        Assert.True(secret.ExitCode == 0, secret.Stderr);
        Assert.Equal("fast", (await kubectl.RunAsync("get", "cm", "settings", "-n", "team-a", "-o", "jsonpath={.data.mode}")).Stdout);
        Assert.Equal(Convert.ToBase64String("s3cret"u8.ToArray()), (await kubectl.RunAsync("get", "secret", "creds", "-n", "team-a", "-o", "jsonpath={.data.password}")).Stdout);
    }

    [Fact]
    public async Task Scale_Deployment_ControllersFollow()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("scale"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);

        var (code, _, stderr) = await kubectl.RunAsync("scale", "deployment", "web", "-n", "demo", "--replicas=4");

        Assert.True(code == 0, stderr);
        await Eventually.UntilAsync(() => kubectl.RunAsync("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.status.readyReplicas}"),
            r => r.Stdout == "4", TimeSpan.FromSeconds(20), "four ready replicas");
    }

    [Fact]
    public async Task Logs_DeploymentPod_SaysItIsSimulated()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("logs"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);
        await Eventually.UntilAsync(() => kubectl.RunAsync("get", "pods", "-n", "demo", "-o", "name"), r => r.Stdout.Contains("pod/web-"), TimeSpan.FromSeconds(20), "web pods");

        var (code, stdout, stderr) = await kubectl.RunAsync("logs", "deployment/web", "-n", "demo");

        Assert.True(code == 0, stderr);
        Assert.Contains("container nginx of pod demo/web-", stdout);
    }

    [Fact]
    public async Task Get_Deployments_PrintsServerSideTableColumns()
    {
        using var kubectl = new Kubectl(await fixture.NewClusterAsync("table"));
        Assert.Equal(0, (await kubectl.RunAsync("apply", "--server-side", "-f", kubectl.WriteFile("a.yaml", Guestbook))).ExitCode);

        var (_, stdout, _) = await Eventually.UntilAsync(() => kubectl.RunAsync("get", "deployments", "-n", "demo"), r => r.Stdout.Contains("2/2"), TimeSpan.FromSeconds(20), "web 2/2 in the table");
        var all = await kubectl.RunAsync("get", "namespaces");

        var header = stdout.Split('\n')[0];
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", header.Trim());
        Assert.Matches(@"(?m)^demo\s+Active\s+\d+[smhd]$", all.Stdout);
    }

    private static async Task<string> ResourceVersionsAsync(Kubectl kubectl) =>
        (await kubectl.RunAsync("get", "namespace/demo", "configmap/cfg", "deployment/web", "service/web", "-n", "demo",
            "-o", "jsonpath={range .items[*]}{.kind}={.metadata.resourceVersion} {end}")).Stdout;
}
