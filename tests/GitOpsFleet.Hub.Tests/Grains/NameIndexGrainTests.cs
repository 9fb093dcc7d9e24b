using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GitOpsFleet.Hub.Tests.Grains;

/// <summary>Issue 9: one entry read alone, group commit of concurrent changes, the shared sorted listing.</summary>
public sealed class NameIndexGrainTests
{
    private static Dictionary<string, string> Labels(string env) => new(StringComparer.Ordinal) { ["env"] = env };

    [Fact]
    public async Task GetAsync_KnownAndUnknownName_ReturnsItsAttributesOrNull()
    {
        await using var hub = await TestHub.StartAsync();
        var index = hub.Host.Grains.Index("get-test");
        await index.SetAsync("b", Labels("prod"));
        await index.SetAsync("a", Labels("dev"));
        await index.SetAsync("b", Labels("staging"));

        var b = await index.GetAsync("b");
        var missing = await index.GetAsync("zzz");
        await index.RemoveAsync("a");

        Assert.Equal("staging", b?["env"]);
        Assert.Null(missing);
        Assert.Null(await index.GetAsync("a"));
    }

    [Fact]
    public async Task SetAndRemoveAsync_200AtOnce_AllStoredForTheNextHubOnTheSameData()
    {
        var data = Path.Combine(Path.GetTempPath(), "gitopsfleet-hub-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var hub = await TestHub.StartAsync(data))
            {
                var index = hub.Host.Grains.Index("concurrent-test");
                await Task.WhenAll(Enumerable.Range(0, 50).Select(i => index.SetAsync($"gone-{i:D3}", Labels("old"))));

                // 200 calls in flight together: most arrive while a write is in flight and share the next one.
                var sets = Enumerable.Range(0, 150).Select(i => index.SetAsync($"c-{i:D3}", Labels(i % 2 == 0 ? "even" : "odd")));
                var removes = Enumerable.Range(0, 50).Select(i => index.RemoveAsync($"gone-{i:D3}"));
                await Task.WhenAll(sets.Concat(removes));
            }

            await using var restarted = await TestHub.StartAsync(data);
            var listed = await restarted.Host.Grains.Index("concurrent-test").ListAsync();

            Assert.Equal(Enumerable.Range(0, 150).Select(i => $"c-{i:D3}"), listed.Keys);
            Assert.All(listed, entry => Assert.Equal(int.Parse(entry.Key[2..]) % 2 == 0 ? "even" : "odd", entry.Value["env"]));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Left to the temp dir cleaner.
            }
        }
    }

    [Fact]
    public async Task ListAsync_NoChangeBetweenCalls_SharesOneSortedSnapshot()
    {
        await using var hub = await TestHub.StartAsync();
        var index = hub.Host.Grains.Index("snapshot-test");
        await Task.WhenAll(new[] { "delta", "alpha", "charlie", "bravo" }.Select(n => index.SetAsync(n, Labels(n))));

        var first = await index.ListAsync();
        var second = await index.ListAsync();
        await index.SetAsync("echo", Labels("echo"));
        var third = await index.ListAsync();

        // Not copied per call (the type is [Immutable]); a change makes a new snapshot and leaves the old one as it was.
        Assert.Same(first, second);
        Assert.Equal(["alpha", "bravo", "charlie", "delta"], first.Keys);
        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo"], third.Keys);
        Assert.True(third.TryGetValue("charlie", out var charlie));
        Assert.Equal("charlie", charlie["env"]);
        Assert.False(third.ContainsKey("foxtrot"));
    }

    [Fact]
    public async Task NameIndexSnapshot_CopiedAndSerialized_SameInstanceInSiloAndWholeAcrossTheWire()
    {
        await using var hub = await TestHub.StartAsync();
        var index = hub.Host.Grains.Index("wire-test");
        await index.SetAsync("b", Labels("prod"));
        await index.SetAsync("a", Labels("dev"));
        var listed = await index.ListAsync();
        var serializer = hub.Host.Services.GetRequiredService<Serializer>();
        var copier = hub.Host.Services.GetRequiredService<DeepCopier>();

        // Declared as the interface, as the grain call declares it: a call to another silo serializes it whole.
        var bytes = serializer.SerializeToArray(listed);
        var received = serializer.Deserialize<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(bytes);

        Assert.Same(listed, copier.Copy(listed));
        Assert.IsType<NameIndexSnapshot>(received);
        Assert.Equal(["a", "b"], received.Keys);
        Assert.Equal("prod", received["b"]["env"]);
        Assert.Equal("dev", (await index.GetAsync("a"))?["env"]);
    }
}
