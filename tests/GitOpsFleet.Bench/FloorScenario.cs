using System.Diagnostics;
using System.Text.Json;
using GitOpsFleet.Protos;
using GitOpsFleet.Protos.Agent;
using Grpc.Core;
using Grpc.Net.Client;

namespace GitOpsFleet.Bench;

/// <summary>
/// floor: the same compressed bundle fanned out by a bare gRPC server (<see cref="FloorServer"/>) to N
/// client streams, each with its own channel; a client decompresses and parses the bundle and
/// answers with a status. Time from the broadcast to each status back at the server.
/// Options: --clusters N (100), --runs R (3), --resources M (10).
/// </summary>
internal static class FloorScenario
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new BenchArgs(arguments);
        var clusters = args.Int("--clusters", 100);
        var runs = args.Int("--runs", 3);
        var resources = args.Int("--resources", 10);
        var summaries = await MeasureAsync(clusters, resources, runs, !args.Flag("--no-workloads"), CancellationToken.None);
        var median = LatencySummary.MedianOf(summaries);
        Console.WriteLine($"floor, {clusters} streams, median of {runs}: {median}");
        await BenchOutput.WriteAsync(args.OutDirectory, "floor", new { clusters, resources, runs = summaries, median }, CancellationToken.None);
        return 0;
    }

    public static async Task<List<LatencySummary>> MeasureAsync(int clusters, int resources, int runs, bool workloads, CancellationToken cancellationToken)
    {
        await using var server = await FloorServer.StartAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = new List<Task>();
        var channels = new List<GrpcChannel>();
        for (var i = 0; i < clusters; i++)
        {
            var channel = GrpcChannel.ForAddress(server.Address);
            channels.Add(channel);
            var name = $"floor-{i:D5}";
            clients.Add(Task.Run(() => RunClientAsync(channel, name, stop.Token), CancellationToken.None));
        }
        var clock = Stopwatch.StartNew();
        while (server.Connected < clusters)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60 + clusters / 10))
            {
                throw new TimeoutException($"floor: only {server.Connected} of {clusters} streams connected");
            }
            await Task.Delay(100, cancellationToken);
        }
        var summaries = new List<LatencySummary>();
        for (var run = 1; run <= runs; run++)
        {
            var bundle = BenchManifests.Bundle(resources, BenchManifests.Version(run), workloads);
            var desired = new Desired
            {
                App = "bench", Generation = run, Revision = $"run{run}", BundleHash = BundleCodec.Hash(bundle),
                CompressedBundle = BundleCodec.Compress(bundle), DefaultNamespace = "bench",
                Options = new SyncOptions { Automated = true, Prune = true },
            };
            var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var arrivals = server.Broadcast(desired);
            var wait = Stopwatch.StartNew();
            while (arrivals.Count < clusters && wait.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(20, cancellationToken);
            }
            var summary = BenchStats.Summarize(arrivals.Values.Select(t => (double)(t - t0)).ToArray());
            Console.WriteLine($"  floor run {run}: {summary} ({desired.CompressedBundle.Length} bytes compressed)");
            summaries.Add(summary);
        }
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or RpcException)
        {
            // Clients end on cancellation.
        }
        foreach (var channel in channels)
        {
            channel.Dispose();
        }
        return summaries;
    }

    private static async Task RunClientAsync(GrpcChannel channel, string name, CancellationToken cancellationToken)
    {
        var client = new AgentService.AgentServiceClient(channel);
        using var call = client.Connect(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { ClusterName = name, ProtocolVersion = 1 } }, cancellationToken);
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (message.Desired is not { } desired)
                {
                    continue;
                }
                // The least an agent must do with a bundle: inflate it and read each object.
                var bundle = BundleCodec.Decompress(desired.CompressedBundle);
                foreach (var manifest in bundle.Manifests)
                {
                    using var document = JsonDocument.Parse(manifest.Json);
                }
                await call.RequestStream.WriteAsync(new AgentMessage
                {
                    Status = new AppStatus
                    {
                        App = desired.App, Generation = desired.Generation, Revision = desired.Revision,
                        Sync = SyncStatus.Synced, Health = HealthStatus.Healthy, Phase = OperationPhase.Succeeded, Full = true,
                        ObservedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    },
                }, cancellationToken);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // Stopped by the bench.
        }
        catch (OperationCanceledException)
        {
            // Stopped by the bench.
        }
    }
}
