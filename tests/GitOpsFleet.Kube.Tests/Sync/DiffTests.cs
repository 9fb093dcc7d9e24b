using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Sync;

namespace GitOpsFleet.Kube.Tests.Sync;

public sealed class DiffTests
{
    [Fact]
    public void Unified_ChangedLine_ShowsMinusAndPlus()
    {
        var diff = LineDiff.Unified("a\nb\nc", "a\nB\nc", "ConfigMap/x/y");
        Assert.Contains("-b\n", diff);
        Assert.Contains("+B\n", diff);
        Assert.Contains(" a\n", diff);
    }

    [Fact]
    public void Mask_SecretValues_NeverShown()
    {
        var before = YamlJson.Parse("{kind: Secret, data: {password: c2VjcmV0, user: YWRtaW4=}}");
        var after = YamlJson.Parse("{kind: Secret, data: {password: bmV3LXNlY3JldA==, user: YWRtaW4=}}");
        SecretMasker.Mask(before, after);
        var text = before.ToJsonString() + after.ToJsonString();
        Assert.DoesNotContain("c2VjcmV0", text);
        Assert.DoesNotContain("bmV3LXNlY3JldA==", text);
        Assert.DoesNotContain("YWRtaW4=", text);
        Assert.NotEqual(before.Str("data", "password"), after.Str("data", "password"));
        Assert.Equal(before.Str("data", "user"), after.Str("data", "user"));
    }

    [Fact]
    public void Normalize_ServerFields_Removed()
    {
        var obj = YamlJson.Parse("{kind: ConfigMap, metadata: {name: x, resourceVersion: '7', managedFields: [], generation: 2, uid: u}, status: {a: 1}, data: {k: v}}");
        var normalized = ResourceManager.Normalize(obj);
        Assert.True(JsonNode.DeepEquals(YamlJson.Parse("{kind: ConfigMap, metadata: {name: x}, data: {k: v}}"), normalized));
    }
}
