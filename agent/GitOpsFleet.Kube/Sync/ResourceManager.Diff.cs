using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Inventory;
using GitOpsFleet.Kube.Rest;

namespace GitOpsFleet.Kube.Sync;

public sealed partial class ResourceManager
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>What a sync would change, per object, from a server-side dry-run apply; Secret values masked.</summary>
    public async Task<IReadOnlyList<ResourceDiff>> DiffAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var diffs = new List<ResourceDiff>();
        var prepared = await _preparer.PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var obj in prepared.Where(p => !p.IsHook))
        {
            if (obj.Error is not null)
            {
                diffs.Add(new ResourceDiff(obj.Key, "Error", $"{obj.Key} {obj.Error}"));
                continue;
            }
            var path = obj.Resource!.ObjectPath(obj.Key.Namespace, obj.Key.Name);
            try
            {
                var live = await _client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                var note = "";
                JsonObject dry;
                try
                {
                    dry = await _client.ApplyAsync(path, obj.Body, WellKnown.FieldManager, request.Options.ForceConflicts, dryRun: true, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    // Show what a forced sync would do and say why a plain one would fail.
                    note = $"# {Describe(obj.Key, "apply", ex)}\n# a sync takes these fields back only with force_conflicts or self_heal\n";
                    dry = await _client.ApplyAsync(path, obj.Body, WellKnown.FieldManager, force: true, dryRun: true, cancellationToken).ConfigureAwait(false);
                }
                var before = live is null ? null : Normalize(live);
                var after = Normalize(dry);
                if (obj.Key.Kind == "Secret" && obj.Key.Group.Length == 0)
                {
                    SecretMasker.Mask(before, after);
                }
                if (before is not null && JsonNode.DeepEquals(before, after))
                {
                    diffs.Add(new ResourceDiff(obj.Key, "None", ""));
                    continue;
                }
                diffs.Add(new ResourceDiff(obj.Key, before is null ? "Create" : "Update", note +
                    LineDiff.Unified(before?.ToJsonString(Indented) ?? "", after.ToJsonString(Indented), obj.Key.ToString())));
            }
            catch (KubeApiException ex)
            {
                diffs.Add(new ResourceDiff(obj.Key, "Error", Describe(obj.Key, "dry-run", ex)));
            }
        }
        if (request.Options.Prune)
        {
            var previous = await _inventory.LoadAsync(request.App, cancellationToken).ConfigureAwait(false) ?? [];
            var desired = prepared.Where(p => p.Resource is not null && !p.IsHook).Select(p => p.Key);
            diffs.AddRange(InventoryStore.Stale(previous, desired).Select(k => new ResourceDiff(k, "Delete", "")));
        }
        return diffs;
    }
}
