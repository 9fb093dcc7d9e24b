namespace GitOpsFleet.Hub.Grains;

/// <summary>Keys of singleton grains and shortcuts to reach them.</summary>
public static class GrainKeys
{
    public const string Default = "default";

    public static INameIndexGrain Index(this IGrainFactory grains, string key) => grains.GetGrain<INameIndexGrain>(key);

    public static IEventLogGrain Events(this IGrainFactory grains) => grains.GetGrain<IEventLogGrain>(Default);

    public static IJoinTokenStoreGrain JoinTokens(this IGrainFactory grains) => grains.GetGrain<IJoinTokenStoreGrain>(Default);

    public static IApiTokenStoreGrain ApiTokens(this IGrainFactory grains) => grains.GetGrain<IApiTokenStoreGrain>(Default);
}
