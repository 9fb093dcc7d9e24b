using GitOpsFleet.Kube.Ordering;

namespace GitOpsFleet.Kube.Sync;

public sealed partial class ResourceManager
{
    /// <summary>
    /// Runs the hooks of one phase in order, each waiting until healthy (a Job completes); returns why the
    /// phase failed, or null. Delete policies: BeforeHookCreation (default), HookSucceeded, HookFailed.
    /// </summary>
    private async Task<string?> RunHooksAsync(List<PreparedObject> hooks, SyncPhase phase, SyncOptions options, List<ResourceResult> results, CancellationToken cancellationToken)
    {
        foreach (var hook in ApplyOrder.Sort(hooks.Where(h => h.HookPhases.Contains(phase)), h => h.Body))
        {
            var policies = DeletePolicies(hook);
            if (hook.Error is null && policies.Contains("BeforeHookCreation"))
            {
                await DeleteAndWaitGoneAsync(hook, cancellationToken).ConfigureAwait(false);
            }
            var applied = await ApplyOneAsync(hook, options.ForceConflicts, null, cancellationToken).ConfigureAwait(false);
            results.Add(applied);
            if (applied.Action == ResourceAction.Failed)
            {
                return $"{phase} hook {hook.Key} failed: {applied.Message}";
            }
            var failure = await WaitHealthyAsync([hook.Key], options.WaveTimeout, options.HealthRules, cancellationToken).ConfigureAwait(false);
            if ((failure is null && policies.Contains("HookSucceeded")) || (failure is not null && policies.Contains("HookFailed")))
            {
                await _client.DeleteAsync(hook.Resource!.ObjectPath(hook.Key.Namespace, hook.Key.Name), cancellationToken).ConfigureAwait(false);
            }
            if (failure is not null)
            {
                return $"{phase} hook {hook.Key} failed: {failure}";
            }
        }
        return null;
    }

    private static HashSet<string> DeletePolicies(PreparedObject hook)
    {
        var value = hook.Body.Str("metadata", "annotations", WellKnown.HookDeletePolicyAnnotation)
            ?? hook.Body.Str("metadata", "annotations", WellKnown.ArgoHookDeletePolicyAnnotation)
            ?? "BeforeHookCreation";
        return value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    private async Task DeleteAndWaitGoneAsync(PreparedObject hook, CancellationToken cancellationToken)
    {
        var path = hook.Resource!.ObjectPath(hook.Key.Namespace, hook.Key.Name);
        if (!await _client.DeleteAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (await _client.GetAsync(path, cancellationToken).ConfigureAwait(false) is not null && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
