using System.Diagnostics;
using GitOpsFleet.Protos.Agent;
using GitOpsFleet.Protos.Fleet;
using Grpc.Core;
using Grpc.Net.Client;

namespace GitOpsFleet.Bench;

/// <summary>The hub's FleetService as the bench uses it: repository, application, waits on target status.</summary>
internal sealed class HubApi : IDisposable
{
    private readonly GrpcChannel _channel;

    public HubApi(Uri grpcAddress, string adminToken)
    {
        GrpcAddress = grpcAddress;
        _channel = GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        Fleet = new FleetService.FleetServiceClient(_channel);
        Auth = new Metadata { { "authorization", $"Bearer {adminToken}" } };
    }

    public Uri GrpcAddress { get; }
    public FleetService.FleetServiceClient Fleet { get; }
    public Metadata Auth { get; }

    public async Task<string> CreateJoinTokenAsync(CancellationToken cancellationToken) =>
        (await Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { Reusable = true, TtlSeconds = 24 * 3600 }, Auth, cancellationToken: cancellationToken)).Token;

    /// <summary>Adds the repository with a one-hour poll, so only SyncApplication (the bench's trigger) fetches.</summary>
    public Task CreateApplicationAsync(string name, string repositoryPath, CancellationToken cancellationToken) =>
        CreateApplicationAsync(name, repositoryPath, null, cancellationToken);

    /// <summary>As above; <paramref name="configure"/> changes the spec before it is sent (cluster selector, rollout waves).</summary>
    public async Task CreateApplicationAsync(string name, string repositoryPath, Action<ApplicationSpec>? configure, CancellationToken cancellationToken)
    {
        var spec = new ApplicationSpec
        {
            Source = new ApplicationSource { Repo = name + "-repo", Path = "app", Revision = "main" },
            Destination = new ApplicationDestination { Namespace = "bench" },
            SyncPolicy = new SyncPolicy { Automated = true, Prune = true },
        };
        configure?.Invoke(spec);
        await Fleet.AddRepositoryAsync(new AddRepositoryRequest
        {
            Repository = new Repository { Name = name + "-repo", Url = repositoryPath, PollIntervalSeconds = 3600 },
            Upsert = true,
        }, Auth, cancellationToken: cancellationToken);
        await Fleet.CreateApplicationAsync(new CreateApplicationRequest
        {
            Application = new Application { Name = name, Spec = spec },
            Upsert = true,
        }, Auth, cancellationToken: cancellationToken);
    }

    public async Task<int> ConnectedClustersAsync(CancellationToken cancellationToken) =>
        (await ClustersAsync(cancellationToken)).Count(c => c.Connected);

    /// <summary>Every registered cluster as ListClusters reports it (connected, last_seen_unix_ms).</summary>
    public async Task<IReadOnlyList<Cluster>> ClustersAsync(CancellationToken cancellationToken) =>
        (await Fleet.ListClustersAsync(new ListClustersRequest(), Auth, cancellationToken: cancellationToken)).Clusters;

    public async Task WaitForConnectedAsync(int expected, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var connected = 0;
        while (clock.Elapsed < deadline)
        {
            connected = await ConnectedClustersAsync(cancellationToken);
            if (connected >= expected)
            {
                return;
            }
            await Task.Delay(500, cancellationToken);
        }
        throw new TimeoutException($"only {connected} of {expected} clusters connected to the hub at {GrpcAddress} after {deadline.TotalSeconds:F0} s");
    }

    /// <summary>
    /// Best effort: waits until the hub shows no cluster connected (or <paramref name="deadline"/> passes), so a hub in
    /// this process is not disposed while it still handles thousands of disconnects (each an error in its log then).
    /// </summary>
    public async Task WaitForNoneConnectedAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline && await ConnectedClustersAsync(cancellationToken) > 0)
        {
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// Polls the application until every one of <paramref name="clusters"/> targets reports Synced and
    /// Healthy at <paramref name="commit"/>; returns, per cluster, the hub's own timestamp of that
    /// target's status (updated_unix_ms), so the poll period does not blur the figures.
    /// </summary>
    public async Task<Dictionary<string, long>> WaitForCommitAsync(string app, string commit, int clusters, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var times = await WaitForCommitDetailedAsync(app, commit, clusters, deadline, cancellationToken);
        return times.Incomplete is null ? times.Healthy : throw new TimeoutException($"application {app}: {times.Incomplete}");
    }

    /// <summary>As <see cref="WaitForCommitAsync"/>, with the milestones on the way (see <see cref="CommitTimes"/>).</summary>
    public async Task<CommitTimes> WaitForCommitDetailedAsync(string app, string commit, int clusters, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var times = new CommitTimes();
        var reached = times.Healthy;
        var clock = Stopwatch.StartNew();
        // Every poll lists every target (a grain turn, a copy and a 1-2 MB reply at 10,000 clusters), so polling a big
        // fleet every 100 ms took a share of the hub it measures. The figures are the hub's own timestamps, so a
        // longer period does not widen them: 100 ms up to 1,000 clusters, then 1 ms per 10 clusters, at most 1 s.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(clusters / 10, 100, 1000));
        while (true)
        {
            var application = await Fleet.GetApplicationAsync(new GetApplicationRequest { Name = app }, Auth, cancellationToken: cancellationToken);
            if (times.RenderedUnixMs == 0 && application.Status.Revision == commit)
            {
                times.RenderedUnixMs = application.Status.RenderedUnixMs;
            }
            foreach (var target in application.Status.Targets)
            {
                if (target.DesiredRevision == commit)
                {
                    times.Sent.TryAdd(target.Cluster, clock.ElapsedMilliseconds);
                }
                if (target.ObservedRevision == commit && target.ObservedGeneration == target.Generation)
                {
                    times.FirstStatus.TryAdd(target.Cluster, target.UpdatedUnixMs);
                }
                if (!reached.ContainsKey(target.Cluster) && IsDone(target, commit))
                {
                    reached[target.Cluster] = target.UpdatedUnixMs;
                }
            }
            if (reached.Count >= clusters)
            {
                return times;
            }
            if (clock.Elapsed > deadline)
            {
                // Report what arrived in time instead of nothing: the caller prints n of N.
                var sample = application.Status.Targets.FirstOrDefault(t => !reached.ContainsKey(t.Cluster));
                times.Incomplete = $"{reached.Count} of {clusters} clusters Synced and Healthy at {commit[..8]} within {deadline.TotalSeconds:F0} s" +
                    (sample is null ? $"; hub lists {application.Status.Targets.Count} targets, error '{application.Status.Error}'"
                        : $"; e.g. {sample.Cluster}: {sample.Sync}/{sample.Health} at {Short(sample.ObservedRevision)} '{sample.Message}'");
                return times;
            }
            await Task.Delay(period, cancellationToken);
        }
    }

    /// <summary>Milestones of one commit on its way to the clusters, as the bench's polls saw them.</summary>
    public sealed class CommitTimes
    {
        /// <summary>Null when every cluster got there before the deadline; otherwise what did.</summary>
        public string? Incomplete { get; set; }

        /// <summary>The hub's rendered_unix_ms of the application at the commit.</summary>
        public long RenderedUnixMs { get; set; }

        /// <summary>Per cluster: poll time (ms since the wait began) the hub first showed the commit as desired.</summary>
        public Dictionary<string, long> Sent { get; } = new(StringComparer.Ordinal);

        /// <summary>Per cluster: updated_unix_ms of the first status seen at the commit, whatever its health (poll-limited).</summary>
        public Dictionary<string, long> FirstStatus { get; } = new(StringComparer.Ordinal);

        /// <summary>Per cluster: updated_unix_ms of the status that says Synced and Healthy at the commit.</summary>
        public Dictionary<string, long> Healthy { get; } = new(StringComparer.Ordinal);
    }

    private static bool IsDone(TargetStatus target, string commit) =>
        target.ObservedRevision == commit && target.ObservedGeneration == target.Generation &&
        target.Sync == SyncStatus.Synced && target.Health == HealthStatus.Healthy;

    private static string Short(string revision) => revision.Length > 8 ? revision[..8] : revision;

    public void Dispose() => _channel.Dispose();
}
