using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using GitOpsFleet.KubeSim;

namespace GitOpsFleet.Bench;

/// <summary>
/// kubesim-memory: resident memory of idle simulated clusters and of the objects they hold.
/// Each run is a fresh child process (so one run's heap cannot flatter the next); the parent
/// prints the median of three. Options: --clusters N (1000), --loaded M (100), --runs R (3).
/// </summary>
public static class KubeSimMemoryScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = Option(args, "--clusters", 1000);
        var loaded = Option(args, "--loaded", 100);
        var runs = Option(args, "--runs", 3);
        if (args.Contains("--child"))
        {
            await MeasureAsync(clusters, loaded);
            return 0;
        }
        var results = new List<double[]>();
        for (var i = 0; i < runs; i++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                psi.ArgumentList.Add(typeof(KubeSimMemoryScenario).Assembly.Location);
            }
            foreach (var a in new[] { "kubesim-memory", "--child", "--clusters", clusters.ToString(CultureInfo.InvariantCulture), "--loaded", loaded.ToString(CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(a);
            }
            using var child = Process.Start(psi)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            var line = output.Split('\n').Last(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            var values = line["RESULT ".Length..].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Console.WriteLine($"run {i + 1}: baseline {values[0]:F1} MB, {clusters} idle clusters +{values[1]:F1} MB, objects +{values[2]:F1} MB ({values[3]:F0} stored objects in {loaded} clusters)");
            results.Add(values);
        }
        double Median(int index) => results.Select(r => r[index]).Order().ElementAt(results.Count / 2);
        var perCluster = Median(1) * 1024 / clusters;
        var objectsPerCluster = Median(3) / loaded;
        var per100Objects = Median(2) * 1024 / loaded / (objectsPerCluster / 100);
        Console.WriteLine();
        Console.WriteLine($"median of {runs}: baseline process {Median(0):F1} MB");
        Console.WriteLine($"  per idle cluster:  {perCluster:F1} KB   ({clusters} clusters: +{Median(1):F1} MB)");
        Console.WriteLine($"  per 100 objects:   {per100Objects:F1} KB   ({Median(3):F0} stored objects: +{Median(2):F1} MB)");
        return 0;
    }

    private static async Task MeasureAsync(int clusters, int loaded)
    {
        await using var host = await SimulatedClusterHost.StartAsync(new SimulatedClusterHostOptions { ControllerDelay = TimeSpan.FromMilliseconds(10) }, CancellationToken.None);
        using var http = new HttpClient();
        // Warm up the HTTP path so JIT and pools are counted in the baseline, not in the first cluster.
        var warm = await host.AddClusterAsync("warmup", CancellationToken.None);
        await ApplyObjectsAsync(http, warm);
        await host.RemoveClusterAsync("warmup", CancellationToken.None);
        var baseline = ResidentMegabytes();

        var all = new List<SimulatedCluster>();
        for (var i = 0; i < clusters; i++)
        {
            all.Add(await host.AddClusterAsync($"c{i:D4}", CancellationToken.None));
        }
        var idle = ResidentMegabytes();

        foreach (var cluster in all.Take(loaded))
        {
            await ApplyObjectsAsync(http, cluster);
        }
        // Let the controllers settle (ReplicaSets for the Deployments) before measuring.
        var stored = 0;
        var steady = 0;
        for (var attempt = 0; attempt < 300 && steady < 10; attempt++)
        {
            var now = all.Take(loaded).Sum(c => c.Resources.ObjectCount());
            steady = now == stored ? steady + 1 : 0;
            stored = now;
            await Task.Delay(100);
        }
        var withObjects = ResidentMegabytes();
        // Namespaces every cluster starts with are part of the idle cost, not of the objects.
        var objectCount = stored - loaded * 4;
        Console.WriteLine(FormattableString.Invariant($"RESULT {baseline:F2} {idle - baseline:F2} {withObjects - idle:F2} {objectCount}"));
        GC.KeepAlive(all);
    }

    /// <summary>100 objects in one namespace: 40 ConfigMaps, 20 Secrets, 20 Services, 19 Deployments (0 replicas) and the namespace.</summary>
    private static async Task ApplyObjectsAsync(HttpClient http, SimulatedCluster cluster)
    {
        await ApplyAsync(http, cluster, "api/v1/namespaces/app", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"app"}}""");
        for (var i = 0; i < 40; i++)
        {
            await ApplyAsync(http, cluster, $"api/v1/namespaces/app/configmaps/cm-{i}",
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-#I#","namespace":"app","labels":{"app.kubernetes.io/managed-by":"gitopsfleet"}},"data":{"config.yaml":"key: value-#I#\nother: thing\n"}}""".Replace("#I#", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        for (var i = 0; i < 20; i++)
        {
            await ApplyAsync(http, cluster, $"api/v1/namespaces/app/secrets/s-{i}",
                """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s-#I#","namespace":"app"},"type":"Opaque","data":{"password":"c2VjcmV0LXZhbHVl"}}""".Replace("#I#", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            await ApplyAsync(http, cluster, $"api/v1/namespaces/app/services/svc-{i}",
                """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-#I#","namespace":"app"},"spec":{"selector":{"app":"a#I#"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}""".Replace("#I#", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        for (var i = 0; i < 19; i++)
        {
            await ApplyAsync(http, cluster, $"apis/apps/v1/namespaces/app/deployments/d-{i}",
                """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d-#I#","namespace":"app","labels":{"app":"a#I#"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"a#I#"}},"template":{"metadata":{"labels":{"app":"a#I#"}},"spec":{"containers":[{"name":"main","image":"nginx:1.27","ports":[{"containerPort":8080}],"env":[{"name":"MODE","value":"prod"}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}}}""".Replace("#I#", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
    }

    private static async Task ApplyAsync(HttpClient http, SimulatedCluster cluster, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/apply-patch+yaml");
        using var response = await http.PatchAsync(new Uri($"{cluster.Server}/{path}?fieldManager=bench&force=true"), content);
        response.EnsureSuccessStatusCode();
    }

    private static double ResidentMegabytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Thread.Sleep(200);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64 / (1024.0 * 1024.0);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
