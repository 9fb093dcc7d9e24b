using GitOpsFleet.Hub.Grains;
using GitOpsFleet.Hub.Grpc;
using GitOpsFleet.Hub.Tests.Support;
using GitOpsFleet.Protos.Fleet;

namespace GitOpsFleet.Hub.Tests.Grains;

public sealed class StoreGrainTests
{
    [Fact]
    public async Task JoinTokenConsume_AfterExpiry_RefusedNamingExpiry()
    {
        await using var hub = await TestHub.StartAsync();
        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest { TtlSeconds = 60, Reusable = true });
        var store = hub.Host.Grains.JoinTokens();

        var beforeExpiry = await store.ConsumeAsync(Secrets.Hash(token.Token), token.ExpiresUnixMs - 1);
        var afterExpiry = await store.ConsumeAsync(Secrets.Hash(token.Token), token.ExpiresUnixMs + 1);

        Assert.True(beforeExpiry.Valid);
        Assert.False(afterExpiry.Valid);
        Assert.Contains("expired", afterExpiry.Reason);
    }

    [Fact]
    public async Task CreateJoinToken_DefaultTtl_ExpiresInOneHour()
    {
        await using var hub = await TestHub.StartAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var token = await hub.Fleet.CreateJoinTokenAsync(new CreateJoinTokenRequest());

        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        Assert.InRange(token.ExpiresUnixMs, before + hour - 1000, before + hour + 60_000);
        Assert.False(token.Reusable);
        var listed = Assert.Single((await hub.Fleet.ListJoinTokensAsync(new ListJoinTokensRequest())).Tokens);
        Assert.Equal("", listed.Token);
    }

    [Fact]
    public async Task EventLog_MoreThanCapacity_KeepsNewest()
    {
        await using var hub = await TestHub.StartAsync();
        var log = hub.Host.Grains.GetGrain<IEventLogGrain>("capacity-test");

        for (var i = 1; i <= 1005; i++)
        {
            await log.AppendAsync("Test", "test/capacity", $"event {i}", "test");
        }
        var all = await log.ListAsync(0, "");
        var newestThree = await log.ListAsync(3, "test/capacity");

        Assert.Equal(1000, all.Count);
        Assert.Equal("event 6", all[0].Message);
        Assert.Equal(["event 1003", "event 1004", "event 1005"], newestThree.Select(e => e.Message));
    }

    [Fact]
    public async Task ApiTokenStore_InitialAdmin_CreatedOnlyOnce()
    {
        await using var hub = await TestHub.StartAsync();
        var store = hub.Host.Grains.ApiTokens();

        var created = await store.EnsureInitialAdminAsync(new ApiTokenRecord("x", Secrets.Hash("another"), ApiRoles.Admin, "", 0));
        var found = await store.FindAsync(Secrets.Hash(hub.AdminToken));

        Assert.False(created);
        Assert.Equal(ApiRoles.Admin, found?.Role);
        Assert.Null(await store.FindAsync(Secrets.Hash("another")));
    }
}
