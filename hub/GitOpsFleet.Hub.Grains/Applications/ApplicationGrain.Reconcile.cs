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

        var clusters = await GrainFactory.Index(IndexKeys.Clusters).ListAsync();
        var selected = clusters.Where(c => Names.Matches(spec.ClusterSelector, c.Value))
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        await NoteResolvedCommitAsync(spec, commit);
        var errors = new List<string>();
        var rendered = 0;
        foreach (var (cluster, labels) in selected)
        {
            if (onlyCluster is not null && cluster != onlyCluster)
            {
                continue;
            }
            try
            {
                var targetCommit = RevisionFor(spec, cluster, commit);
                var request = new RenderRequest(repositorySpec, targetCommit, spec.Path, spec.Renderer, spec.Include, spec.Exclude,
                    new ClusterParameters(cluster, labels), spec.Parameters?.ToRenderParameters());
                var bundle = await renderer.RenderAsync(request, CancellationToken.None);
                // A bundle that breaks its project never leaves: the cluster keeps its last good state.
                if (ProjectPolicy.CheckManifests(project!, bundle.ManifestsJson, spec.Namespace, cluster, labels) is { } violation)
                {
                    errors.Add($"cluster {cluster}: {violation}; nothing of commit {targetCommit} was sent");
                    continue;
                }
                await StoreBundleAsync(bundle);
                var generation = await GrainFactory.GetGrain<IClusterGrain>(cluster)
                    .SetDesiredAsync(new DesiredSpec(Name, targetCommit, bundle.Hash, spec.SyncPolicy, spec.Namespace));
                await UpdateTargetAsync(cluster, generation, targetCommit, bundle);
                rendered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors.Add(ex is SourceException ? ex.Message : $"cluster {cluster}: {ex.Message}");
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
