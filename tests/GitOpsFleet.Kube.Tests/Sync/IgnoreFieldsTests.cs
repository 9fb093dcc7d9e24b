using System.Text.Json.Nodes;
using GitOpsFleet.Kube.Sync;

namespace GitOpsFleet.Kube.Tests.Sync;

public sealed class IgnoreFieldsTests
{
    private static readonly ResourceKey Web = new("apps", "v1", "Deployment", "shop", "web");

    private static JsonObject Deployment() => YamlJson.Parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, annotations: {a/b: x}}
        spec:
          replicas: 3
          template: {spec: {containers: [{name: web, image: nginx}]}}
        """);

    [Theory]
    [InlineData("/spec/replicas")]
    [InlineData("Deployment:/spec/replicas")]
    [InlineData("Deployment/web:/spec/replicas")]
    public void Strip_MatchingPointer_RemovesField(string pointer)
    {
        var obj = Deployment();
        IgnoreFields.Strip(obj, Web, [pointer]);
        Assert.Null(obj.Str("spec", "replicas"));
        Assert.Null(obj["spec"]!["replicas"]);
    }

    [Theory]
    [InlineData("StatefulSet:/spec/replicas")]
    [InlineData("Deployment/other:/spec/replicas")]
    public void Strip_OtherScope_KeepsField(string pointer)
    {
        var obj = Deployment();
        IgnoreFields.Strip(obj, Web, [pointer]);
        Assert.Equal(3, obj.Int("spec", "replicas"));
    }

    [Fact]
    public void Strip_EscapedSlashAndArrayIndex_Removed()
    {
        var obj = Deployment();
        IgnoreFields.Strip(obj, Web, ["/metadata/annotations/a~1b", "/spec/template/spec/containers/0/image"]);
        Assert.Null(obj["metadata"]!["annotations"]!["a/b"]);
        Assert.Null(obj.At("spec", "template", "spec", "containers")!.AsArray()[0]!["image"]);
    }
}
