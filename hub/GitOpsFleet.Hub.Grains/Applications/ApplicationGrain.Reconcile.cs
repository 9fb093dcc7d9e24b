using GitOpsFleet.Sources;

namespace GitOpsFleet.Hub.Grains;

// Resolve the source, pick target clusters, render per cluster, push desired state to each cluster.
internal sealed partial class ApplicationGrain
{
    // Bundles this activation already stored: content-addressed, so never stored twice.
    private readonly HashSet<string> _storedBundles = new(StringComparer.Ordinal);

    private async Task ReconcileAsync(bool fetch, string? commit, string? onlyCluster)
    {
        try
        {
            await ReconcileCoreAsync(fetch, commit, onlyCluster);
        }
        catch (Exception ex) when (ex is not HubException)
        {
            // A broken application fails alone: record it and keep serving everything else.
            LogReconcileFailed(ex, Name);
            await SetErrorAsync($"application {Name}: {ex.Message}");
            await state.WriteStateAsync();
        }
    }

    private async Task ReconcileCoreAsync(bool fetch, string? commit, string? onlyCluster)
    {
        var spec = state.State.Spec!;
        var repositoryGrain = GrainFactory.GetGrain<IRepositoryGrain>(spec.Repository);
        if (commit is null)
        {
            if (onlyCluster is not null && state.State.Commit.Length > 0)
            {
                commit = state.State.Commit;
            }
            else
            {
                var resolved = await repositoryGrain.ResolveAsync(spec.Revision, fetch, Name);
                if (resolved.Commit is null)
                {
                    await SetErrorAsync(resolved.Error ?? $"repository {spec.Repository}: revision {spec.Revision} did not resolve");
                    await state.WriteStateAsync();
                    return;
                }
                commit = resolved.Commit;
            }
        }
        var repository = await repositoryGrain.GetAsync();
        if (repository is null)
        {
            await SetErrorAsync($"repository {spec.Repository} is not known to the hub; add it with `fleet repo add`");
            await state.WriteStateAsync();
            return;
        }
        var repositorySpec = new RepositorySpec(repository.Name, repository.Url,
            repository.Username.Length > 0 ? repository.Username : null,
            repository.Password.Length > 0 ? repository.Password : null);

        // The project is read on every render, so a project changed later applies at the next one.
        var project = await GrainFactory.Project(spec.Project).GetAsync();
        var projectError = project is null
            ? $"project {spec.Project} does not exist; nothing is sent to any cluster"
            : ProjectPolicy.CheckSource(project, repository.Name, repository.Url);
        if (projectError is not null)
        {
            await SetErrorAsync($"application {Name}: {projectError}");
            await state.WriteStateAsync();
            return;
        }

        // One cluster changed (a join, a label change): look up just that one; listing the fleet here made N joins O(N^2).
        var clusters = onlyCluster is null
            ? await GrainFactory.Index(IndexKeys.Clusters).ListAsync()
            : await GrainFactory.Index(IndexKeys.Clusters).GetAsync(onlyCluster) is { } labels
                ? new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal) { [onlyCluster] = labels }
                : new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var selected = clusters.Where(c => Names.Matches(spec.ClusterSelector, c.Value))
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        if (onlyCluster is not null && !selected.ContainsKey(onlyCluster) && !state.State.Targets.ContainsKey(onlyCluster)
            && commit == state.State.Commit && NoteResolvedCommitChangesNothing(spec, commit))
        {
            // A cluster this application neither selects nor targets changes nothing here: no rewrite of every
            // target's entry for each cluster that joins.
            return;
        }
        await NoteResolvedCommitAsync(spec, commit);
        var errors = new List<string>();
        var rendered = 0;
        // Renders run concurrently (the renderer bounds its own concurrency and renders equal
        // parameters once); cluster grains are then told concurrently in batches. One cluster
        // at a time cost 13-17 ms per cluster in one grain turn (docs/benchmarks.md, fanout).
        var renders = await Task.WhenAll(selected
            .Where(c => onlyCluster is null || c.Key == onlyCluster)
            .Select(c => RenderTargetAsync(spec, repositorySpec, project!, c.Key, c.Value, commit)));
        var ready = new List<TargetRender>();
        foreach (var render in renders)
        {
            if (render.Error is not null)
            {
                errors.Add(render.Error);
                continue;
            }
            try
            {
                await StoreBundleAsync(render.Bundle!);
                ready.Add(render);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors.Add($"cluster {render.Cluster}: {ex.Message}");
            }
        }
        foreach (var batch in ready.Chunk(DesiredBatchSize))
        {
            var sent = await Task.WhenAll(batch.Select(r => SendDesiredAsync(spec, r)));
            foreach (var (render, generation, error) in sent)
            {
                if (error is not null)
                {
                    errors.Add(error);
                    continue;
                }
                await UpdateTargetAsync(render.Cluster, generation, render.Commit, render.Bundle!);
                rendered++;
            }
        }

        // Clusters that left the selection (or the hub) stop receiving this application.
        foreach (var cluster in state.State.Targets.Keys.ToList())
        {
            if (selected.ContainsKey(cluster) || (onlyCluster is not null && cluster != onlyCluster))
            {
                continue;
            }
            await GrainFactory.GetGrain<IClusterGrain>(cluster).RemoveApplicationAsync(Name, spec.SyncPolicy.Prune);
            state.State.Targets.Remove(cluster);
        }

        state.State.Commit = commit;
        if (rendered > 0)
        {
            state.State.RenderedUnixMs = Now;
            LogRendered(Name, commit, rendered);
        }
        if (errors.Count > 0)
        {
            await SetErrorAsync(string.Join("; ", errors.Distinct()));
        }
        else if (onlyCluster is null || rendered > 0 && state.State.Targets.Count == 1)
        {
            await SetErrorAsync("");
        }
        await AggregateAsync();
        await state.WriteStateAsync();
    }

    // Mirrors NoteResolvedCommitAsync (ApplicationGrain.Rollout.cs) for a commit the application is already at.
    private bool NoteResolvedCommitChangesNothing(ApplicationSpecModel spec, string commit) =>
        spec.HasWaves && state.State.Baseline.Length > 0
        || state.State.Baseline == commit && state.State.Pins.Count == 0;

    /// <summary>How many cluster grains are told about a new bundle at once.</summary>
    private const int DesiredBatchSize = 64;

    /// <summary>One cluster's render: the bundle to send, or why nothing is sent.</summary>
    private sealed record TargetRender(string Cluster, string Commit, RenderedBundle? Bundle, string? Error);

    private async Task<TargetRender> RenderTargetAsync(ApplicationSpecModel spec, RepositorySpec repositorySpec, ProjectModel project,
        string cluster, IReadOnlyDictionary<string, string> labels, string commit)
    {
        var targetCommit = RevisionFor(spec, cluster, commit);
        try
        {
            var request = new RenderRequest(repositorySpec, targetCommit, spec.Path, spec.Renderer, spec.Include, spec.Exclude,
                new ClusterParameters(cluster, labels), spec.Parameters?.ToRenderParameters());
            var bundle = await renderer.RenderAsync(request, CancellationToken.None);
            // A bundle that breaks its project never leaves: the cluster keeps its last good state.
            return ProjectPolicy.CheckManifests(project, bundle.ManifestsJson, spec.Namespace, cluster, labels) is { } violation
                ? new TargetRender(cluster, targetCommit, null, $"cluster {cluster}: {violation}; nothing of commit {targetCommit} was sent")
                : new TargetRender(cluster, targetCommit, bundle, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new TargetRender(cluster, targetCommit, null, ex is SourceException ? ex.Message : $"cluster {cluster}: {ex.Message}");
        }
    }

    private async Task<(TargetRender Render, long Generation, string? Error)> SendDesiredAsync(ApplicationSpecModel spec, TargetRender render)
    {
        try
        {
            var generation = await GrainFactory.GetGrain<IClusterGrain>(render.Cluster)
                .SetDesiredAsync(new DesiredSpec(Name, render.Commit, render.Bundle!.Hash, spec.SyncPolicy, spec.Namespace));
            return (render, generation, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (render, 0, $"cluster {render.Cluster}: {ex.Message}");
        }
    }

    private async Task StoreBundleAsync(RenderedBundle bundle)
    {
        if (_storedBundles.Contains(bundle.Hash))
        {
            return;
        }
        await GrainFactory.GetGrain<IBundleGrain>(bundle.Hash).StoreAsync(compressor.Compress(bundle.ManifestsJson));
        _storedBundles.Add(bundle.Hash);
    }

    private async Task UpdateTargetAsync(string cluster, long generation, string commit, RenderedBundle bundle)
    {
        if (!state.State.Targets.TryGetValue(cluster, out var target))
        {
            var info = await GrainFactory.GetGrain<IClusterGrain>(cluster).GetAsync();
            target = new TargetEntry { Connected = info?.Connected ?? false };
            state.State.Targets[cluster] = target;
        }
        target.ResourceCount = bundle.ManifestsJson.Count;
        state.State.ResourceCount = bundle.ManifestsJson.Count;
        if (target.Generation != generation)
        {
            target.Generation = generation;
            target.DesiredRevision = commit;
            target.BundleHash = bundle.Hash;
            target.UpdatedUnixMs = Now;
        }
    }

    private async Task SetErrorAsync(string error)
    {
        if (state.State.Error == error)
        {
            return;
        }
        state.State.Error = error;
        if (error.Length > 0)
        {
            // Logged once per distinct error, not on every poll.
            LogSourceError(Name, error);
            await AppendEventAsync(EventTypes.Error, error);
        }
    }
}
