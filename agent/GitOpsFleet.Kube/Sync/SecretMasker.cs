using System.Text.Json.Nodes;

namespace GitOpsFleet.Kube.Sync;

/// <summary>Replaces Secret values with masks so diffs show which keys change but never a value.</summary>
internal static class SecretMasker
{
    public static void Mask(JsonObject? before, JsonObject after)
    {
        foreach (var field in new[] { "data", "stringData" })
        {
            var b = before?[field] as JsonObject;
            var a = after[field] as JsonObject;
            foreach (var name in (b?.Select(p => p.Key) ?? []).Concat(a?.Select(p => p.Key) ?? []).Distinct().ToList())
            {
                var oldValue = b?[name]?.ToJsonString();
                var newValue = a?[name]?.ToJsonString();
                // Equal values get the same mask, different ones a different mask, so the change shows.
                if (b is not null && b.ContainsKey(name))
                {
                    b[name] = "********";
                }
                if (a is not null && a.ContainsKey(name))
                {
                    a[name] = oldValue == newValue ? "********" : "++++++++";
                }
            }
        }
        if (before?["metadata"]?["annotations"] is JsonObject annotations)
        {
            annotations.Remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
}
